import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, signIn, type TestClient, type TestStaff } from '../support/factories.js';

const REASON = 'Client phoned the front desk in crisis; Dr Lee is on leave today.';

describe('emergency access', () => {
  let t: TestApp;
  let admin: TestStaff;
  let primary: TestStaff;
  let second: TestStaff;
  let coupleClinician: TestStaff;
  let outsider: TestStaff;
  let foreign: TestStaff;
  let client: TestClient;
  let progressNoteId: string;
  let psychotherapyNoteId: string;
  let outsiderAgent: supertest.Agent;

  async function writeNote(agent: supertest.Agent, kind: 'progress' | 'psychotherapy', text: string) {
    const created = await agent.post('/api/notes').send({ clientId: client.id, sessionDate: '2026-11-20', format: 'SOAP', kind });
    expect(created.status).toBe(201);
    const saved = await agent.patch(`/api/notes/${created.body.id}`).send({ sections: { subjective: text }, version: created.body.version });
    expect(saved.status).toBe(200);
    return created.body.id as string;
  }

  beforeAll(async () => {
    t = await startTestApp();
    const practice = await newPractice(t.db);
    admin = await newAdmin(t.db, practice);
    primary = await newClinician(t.db, practice);
    second = await newClinician(t.db, practice);
    coupleClinician = await newClinician(t.db, practice);
    outsider = await newClinician(t.db, practice);
    foreign = await newClinician(t.db, await newPractice(t.db));
    client = await newClient(t.db, practice, { name: 'Rosa Delgado', clinicians: [primary, second] });
    await newCouple(t.db, practice, { members: [client, await newClient(t.db, practice)], clinicians: [coupleClinician] });
    const primaryAgent = await signIn(t, primary);
    progressNoteId = await writeNote(primaryAgent, 'progress', 'Discussed sleep and the new job.');
    psychotherapyNoteId = await writeNote(primaryAgent, 'psychotherapy', 'Private process thoughts.');
    outsiderAgent = await signIn(t, outsider);
  });
  afterAll(() => t.close());

  const events = async (action: string) =>
    (await t.db.query(`SELECT actor_id, subject_id, detail FROM audit_event WHERE action = $1 ORDER BY seq`, [action])) as Array<{ actor_id: string; subject_id: string; detail: Record<string, unknown> }>;

  it('finds clients outside the clinician’s own caseload by name, and nothing of another practice', async () => {
    const found = await outsiderAgent.get('/api/emergency-access/clients').query({ q: 'delga' });
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([{ id: client.id, name: 'Rosa Delgado' }]);
    const primaryAgent = await signIn(t, primary);
    expect((await primaryAgent.get('/api/emergency-access/clients').query({ q: 'delga' })).body.items).toEqual([]);
    const foreignAgent = await signIn(t, foreign);
    expect((await foreignAgent.get('/api/emergency-access/clients').query({ q: 'delga' })).body.items).toEqual([]);
    expect((await outsiderAgent.get('/api/emergency-access/clients').query({ q: 'd' })).status).toBe(400);
  });

  it('refuses without a reason, for the client’s own clinicians, and for another practice', async () => {
    const noReason = await outsiderAgent.post('/api/emergency-access').send({ clientId: client.id, reason: 'urgent' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fields.reason).toMatch(/at least 10/);
    const own = await (await signIn(t, primary)).post('/api/emergency-access').send({ clientId: client.id, reason: REASON });
    expect(own.status).toBe(422);
    expect(own.body.code).toBe('already_on_care_team');
    const viaCouple = await (await signIn(t, coupleClinician)).post('/api/emergency-access').send({ clientId: client.id, reason: REASON });
    expect(viaCouple.status).toBe(422);
    const other = await (await signIn(t, foreign)).post('/api/emergency-access').send({ clientId: client.id, reason: REASON });
    expect(other.status).toBe(404);
    expect((await (await signIn(t, admin)).post('/api/emergency-access').send({ clientId: client.id, reason: REASON })).status).toBe(403);
  });

  it('opens the record for an hour: details and progress notes, never psychotherapy notes; every read audited and marked', async () => {
    // Before: the record is as closed as ever.
    expect((await outsiderAgent.get(`/api/clients/${client.id}`)).status).toBe(404);

    const opened = await outsiderAgent.post('/api/emergency-access').send({ clientId: client.id, reason: REASON });
    expect(opened.status).toBe(201);
    const grant = opened.body;
    expect(grant).toMatchObject({ client: { id: client.id, name: 'Rosa Delgado' }, clinician: { id: outsider.id }, reason: REASON, active: true, endedAt: null });
    const minutes = (Date.parse(grant.expiresAt) - Date.parse(grant.startedAt)) / 60_000;
    expect(minutes).toBe(60);
    const [stored] = (await t.db.query(`SELECT reason_enc FROM emergency_access WHERE id = $1`, [grant.id])) as Array<{ reason_enc: Buffer }>;
    expect(stored!.reason_enc.toString('latin1')).not.toContain('crisis');

    const twice = await outsiderAgent.post('/api/emergency-access').send({ clientId: client.id, reason: REASON });
    expect(twice.status).toBe(409);

    const record = await outsiderAgent.get(`/api/emergency-access/${grant.id}/record`);
    expect(record.status).toBe(200);
    expect(record.body.client).toMatchObject({ id: client.id, name: 'Rosa Delgado', status: 'active' });
    expect(record.body.careTeam.map((m: { id: string }) => m.id).sort()).toEqual([primary.id, second.id].sort());

    const notes = await outsiderAgent.get(`/api/emergency-access/${grant.id}/notes`);
    expect(notes.status).toBe(200);
    expect(notes.body.items.map((n: { id: string }) => n.id)).toEqual([progressNoteId]);
    expect(notes.body.items[0].sections.subjective).toBe('Discussed sleep and the new job.');
    expect(JSON.stringify(notes.body)).not.toContain('Private process');

    // Emergency access opens its own routes only: the everyday ones stay closed.
    expect((await outsiderAgent.get(`/api/clients/${client.id}`)).status).toBe(404);
    expect((await outsiderAgent.get(`/api/notes/${psychotherapyNoteId}`)).status).toBe(404);
    // Nobody else can use this grant.
    expect((await (await signIn(t, second)).get(`/api/emergency-access/${grant.id}/record`)).status).toBe(404);

    const [openedEvent] = await events('emergency_access.opened');
    expect(openedEvent).toMatchObject({ actor_id: outsider.id, subject_id: client.id, detail: { emergency: true, emergencyAccessId: grant.id, minutes: 60, notified: 4 } });
    expect(JSON.stringify(openedEvent)).not.toContain('crisis');
    const [recordRead] = await events('emergency_access.record_read');
    expect(recordRead).toMatchObject({ actor_id: outsider.id, subject_id: client.id, detail: { emergency: true, emergencyAccessId: grant.id } });
    const [notesRead] = await events('emergency_access.notes_read');
    expect(notesRead!.detail).toEqual({ emergency: true, emergencyAccessId: grant.id, noteIds: [progressNoteId] });
  });

  it('tells the care team (a couple’s clinicians too) and the admins, not the opener, in notices they can mark seen', async () => {
    const [grant] = (await outsiderAgent.get('/api/emergency-access')).body.items;
    for (const [who, why] of [[primary, 'care_team'], [second, 'care_team'], [coupleClinician, 'care_team'], [admin, 'admin']] as const) {
      const agent = await signIn(t, who);
      const inbox = await agent.get('/api/emergency-access/notices');
      expect(inbox.status).toBe(200);
      expect(inbox.body.items).toHaveLength(1);
      expect(inbox.body.items[0]).toMatchObject({ why, seenAt: null, grant: { id: grant.id, reason: REASON, clinician: { id: outsider.id }, client: { id: client.id } } });
      if (who === primary) {
        expect((await agent.post(`/api/emergency-access/notices/${inbox.body.items[0].id}/seen`)).status).toBe(204);
        expect((await agent.get('/api/emergency-access/notices')).body.items[0].seenAt).toEqual(expect.any(String));
      }
    }
    expect((await outsiderAgent.get('/api/emergency-access/notices')).body.items).toEqual([]);
    expect((await (await signIn(t, foreign)).get('/api/emergency-access/notices')).body.items).toEqual([]);
  });

  it('puts unseen notices in the attention queue of the care team and the admins, until marked seen', async () => {
    const [grant] = (await outsiderAgent.get('/api/emergency-access')).body.items;
    const emergencyItems = async (who: TestStaff) => {
      const queue = await (await signIn(t, who)).get('/api/attention');
      expect(queue.status).toBe(200);
      return queue.body.items.filter((i: { kind: string }) => i.kind === 'emergency-access');
    };
    // The primary clinician marked theirs seen above; the others have not.
    expect(await emergencyItems(primary)).toEqual([]);
    for (const [who, why] of [[second, 'care_team'], [coupleClinician, 'care_team'], [admin, 'admin']] as const) {
      const items = await emergencyItems(who);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        kind: 'emergency-access',
        why,
        emergencyAccessId: grant.id,
        subject: { kind: 'client', id: client.id, name: 'Rosa Delgado' },
        clinician: { id: outsider.id },
        expiresAt: grant.expiresAt,
      });
      // The queue carries names and times, never the reason.
      expect(JSON.stringify(items[0])).not.toContain('crisis');
    }
    const adminAgent = await signIn(t, admin);
    const count = await adminAgent.get('/api/attention/count');
    expect(count.body.byKind['emergency-access']).toBe(1);
    const [item] = await emergencyItems(admin);
    expect((await adminAgent.post(`/api/emergency-access/notices/${item.noticeId}/seen`)).status).toBe(204);
    expect(await emergencyItems(admin)).toEqual([]);
    expect(await emergencyItems(outsider)).toEqual([]);
  });

  it('closes when its hour is up, or earlier when the clinician ends it', async () => {
    const [grant] = (await outsiderAgent.get('/api/emergency-access')).body.items;
    // Move the grant an hour and a minute into the past instead of waiting.
    await t.db.query(`UPDATE emergency_access SET started_at = started_at - interval '61 minutes', expires_at = expires_at - interval '61 minutes' WHERE id = $1`, [grant.id]);
    const late = await outsiderAgent.get(`/api/emergency-access/${grant.id}/record`);
    expect(late.status).toBe(403);
    expect(late.body.code).toBe('emergency_access_ended');
    expect((await outsiderAgent.get(`/api/emergency-access/${grant.id}/notes`)).status).toBe(403);
    expect((await outsiderAgent.get('/api/emergency-access')).body.items[0].active).toBe(false);

    // A new emergency needs a new reason, and ends when the clinician says so.
    const reopened = await outsiderAgent.post('/api/emergency-access').send({ clientId: client.id, reason: 'Client called again the next morning.' });
    expect(reopened.status).toBe(201);
    const ended = await outsiderAgent.post(`/api/emergency-access/${reopened.body.id}/end`);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ active: false, endedAt: expect.any(String) });
    expect((await outsiderAgent.get(`/api/emergency-access/${reopened.body.id}/record`)).status).toBe(403);
    expect((await events('emergency_access.ended')).map((e) => e.detail)).toEqual([{ emergency: true, emergencyAccessId: reopened.body.id }]);
    expect((await events('emergency_access.record_read'))).toHaveLength(1);
  });
});
