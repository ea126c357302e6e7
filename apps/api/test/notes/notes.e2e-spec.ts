import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, portalAs, signIn } from '../support/factories.js';
import { day, smallActsAnswers } from '../homework/homework-helpers.js';

describe('session notes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function setting() {
    const practice = await newPractice(t.db);
    const author = await newClinician(t.db, practice);
    const colleague = await newClinician(t.db, practice);
    const client = await newClient(t.db, practice, { clinicians: [author, colleague] });
    return { practice, author, colleague, client, asAuthor: await signIn(t, author) };
  }

  it('drafts, autosaves with versions, signs; a signed note is immutable even to direct SQL; corrections are signed addenda', async () => {
    const { client, asAuthor } = await setting();
    const created = await asAuthor.post('/api/notes').send({ clientId: client.id, sessionDate: '2026-11-20', format: 'SOAP', kind: 'progress' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', version: 1, canEdit: true, sections: { subjective: '', objective: '', assessment: '', plan: '' } });
    const id = created.body.id;

    const saved = await asAuthor.patch(`/api/notes/${id}`).send({ sections: { subjective: 'Reports calmer evenings.' }, version: 1 });
    expect(saved.body).toMatchObject({ version: 2, sections: { subjective: 'Reports calmer evenings.', plan: '' } });
    const stale = await asAuthor.patch(`/api/notes/${id}`).send({ sections: { subjective: 'From an old tab' }, version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_version');
    expect((await asAuthor.get(`/api/notes/${id}`)).body.sections.subjective).toBe('Reports calmer evenings.');

    const wrongSection = await asAuthor.patch(`/api/notes/${id}`).send({ sections: { data: 'DAP section' }, version: 2 });
    expect(wrongSection.status).toBe(400);
    expect(wrongSection.body.fields['sections.data']).toMatch(/not a section of a SOAP note/);
    const tooLong = await asAuthor.patch(`/api/notes/${id}`).send({ sections: { plan: 'x'.repeat(20_001) }, version: 2 });
    expect(tooLong.body.fields['sections.plan']).toMatch(/at most 20000/);

    const signed = await asAuthor.post(`/api/notes/${id}/sign`).send({ version: 2 });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ status: 'signed', signedAt: expect.any(String), canEdit: false });
    const after = await asAuthor.patch(`/api/notes/${id}`).send({ sections: { plan: 'Too late' }, version: 3 });
    expect(after.status).toBe(409);
    expect(after.body.code).toBe('note_signed');
    expect((await asAuthor.delete(`/api/notes/${id}`)).status).toBe(409);
    await expect(t.db.query(`UPDATE session_note SET session_date = '2020-01-01' WHERE id = $1`, [id])).rejects.toThrow(/signed note cannot be changed/);
    await expect(t.db.query(`DELETE FROM session_note WHERE id = $1`, [id])).rejects.toThrow(/signed note cannot be deleted/);
    // The re-encryption switch does not open a signed note to other changes.
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(`SET LOCAL tandem.rekey = 'on'`);
        await tx.query(`UPDATE session_note SET kind = 'psychotherapy' WHERE id = $1`, [id]);
      }),
    ).rejects.toThrow(/signed note cannot be changed/);

    const addendum = await asAuthor.post(`/api/notes/${id}/addenda`);
    expect(addendum.status).toBe(201);
    expect(addendum.body).toMatchObject({ addendumOf: id, status: 'draft', format: 'free', kind: 'progress' });
    await asAuthor.patch(`/api/notes/${addendum.body.id}`).send({ sections: { note: 'Correction: sessions are weekly, not biweekly.' }, version: 1 });
    expect((await asAuthor.post(`/api/notes/${addendum.body.id}/sign`).send({ version: 2 })).status).toBe(200);
    const parent = await asAuthor.get(`/api/notes/${id}`);
    expect(parent.body.addenda).toEqual([expect.objectContaining({ id: addendum.body.id, status: 'signed' })]);
    const list = await asAuthor.get('/api/notes').query({ clientId: client.id });
    expect(list.body.items.map((n: { id: string; addendaCount: number }) => [n.id, n.addendaCount])).toEqual([[id, 1]]);
  });

  it('refuses to sign an empty note, and lets the author throw a draft away', async () => {
    const { client, asAuthor } = await setting();
    const note = await asAuthor.post('/api/notes').send({ clientId: client.id, sessionDate: '2026-11-21', format: 'DAP', kind: 'progress' });
    const sign = await asAuthor.post(`/api/notes/${note.body.id}/sign`).send({ version: 1 });
    expect(sign.status).toBe(422);
    expect(sign.body.message).toMatch(/empty/);
    expect((await asAuthor.delete(`/api/notes/${note.body.id}`)).status).toBe(204);
    expect((await asAuthor.get(`/api/notes/${note.body.id}`)).status).toBe(404);
  });

  it('psychotherapy notes: the author reads them; co-therapists see nothing; admins see metadata only', async () => {
    const { practice, client, colleague, asAuthor } = await setting();
    const note = await asAuthor.post('/api/notes').send({ clientId: client.id, sessionDate: '2026-11-20', format: 'free', kind: 'psychotherapy' });
    await asAuthor.patch(`/api/notes/${note.body.id}`).send({ sections: { note: 'Process notes about transference.' }, version: 1 });
    const progress = await asAuthor.post('/api/notes').send({ clientId: client.id, sessionDate: '2026-11-19', format: 'SOAP', kind: 'progress' });

    const asColleague = await signIn(t, colleague);
    expect((await asColleague.get(`/api/notes/${note.body.id}`)).status).toBe(404);
    expect((await asColleague.get(`/api/notes/${progress.body.id}`)).status).toBe(200);
    expect((await asColleague.get('/api/notes').query({ clientId: client.id })).body.items.map((n: { id: string }) => n.id)).toEqual([progress.body.id]);
    expect((await asColleague.patch(`/api/notes/${progress.body.id}`).send({ sections: { plan: 'Mine now' }, version: 1 })).status).toBe(403);

    const adminUser = await newAdmin(t.db, practice);
    const asAdmin = await signIn(t, adminUser);
    const listed = await asAdmin.get('/api/notes').query({ clientId: client.id });
    expect(listed.body.items).toHaveLength(2);
    const seen = await asAdmin.get(`/api/notes/${note.body.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ kind: 'psychotherapy', author: { name: expect.any(String) }, sections: null, canEdit: false });
    expect(JSON.stringify(seen.body)).not.toContain('transference');
    expect((await asAdmin.post('/api/notes').send({ clientId: client.id, sessionDate: '2026-11-20', format: 'free', kind: 'progress' })).status).toBe(403);

    // Reads of content are audited, metadata views are not.
    const reads = await asAdmin.get('/api/audit').query({ action: 'note.read', subjectId: client.id });
    expect(reads.body.items.every((e: { actor: { id: string } }) => e.actor.id !== adminUser.id)).toBe(true);
    expect(reads.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it('couple notes follow the couple’s care team; another practice sees nothing', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const couple = await newCouple(t.db, practice, { clinicians: [clinician] });
    const asClinician = await signIn(t, clinician);
    const note = await asClinician.post('/api/notes').send({ coupleId: couple.id, sessionDate: '2026-11-18', format: 'BIRP', kind: 'progress' });
    expect(note.status).toBe(201);
    expect(note.body.subject).toMatchObject({ kind: 'couple', id: couple.id });
    const both = await asClinician.post('/api/notes').send({ coupleId: couple.id, clientId: couple.memberIds[0], sessionDate: '2026-11-18', format: 'BIRP', kind: 'progress' });
    expect(both.status).toBe(400);

    const other = await newPractice(t.db);
    const stranger = await signIn(t, await newClinician(t.db, other));
    expect((await stranger.get(`/api/notes/${note.body.id}`)).status).toBe(404);
    expect((await stranger.get('/api/notes').query({ coupleId: couple.id })).status).toBe(404);
    expect((await stranger.post('/api/notes').send({ coupleId: couple.id, sessionDate: '2026-11-18', format: 'BIRP', kind: 'progress' })).status).toBe(404);
  });

  it('lists notes newest session first, by keyset pages', async () => {
    const { client, asAuthor } = await setting();
    for (const day of ['2026-10-01', '2026-10-08', '2026-10-15']) {
      await asAuthor.post('/api/notes').send({ clientId: client.id, sessionDate: day, format: 'free', kind: 'progress' });
    }
    const first = await asAuthor.get('/api/notes').query({ clientId: client.id, limit: '2' });
    expect(first.body.items.map((n: { sessionDate: string }) => n.sessionDate)).toEqual(['2026-10-15', '2026-10-08']);
    const second = await asAuthor.get('/api/notes').query({ clientId: client.id, limit: '2', cursor: first.body.nextCursor });
    expect(second.body.items.map((n: { sessionDate: string }) => n.sessionDate)).toEqual(['2026-10-01']);
    expect(second.body.nextCursor).toBeNull();
    expect((await asAuthor.get('/api/notes')).status).toBe(400);
  });

  it('keeps note text and homework answers out of the database in readable form and out of the logs', async () => {
    const { client, author, asAuthor } = await setting();
    const marker = `MARKER-${crypto.randomBytes(6).toString('hex')}`;
    const note = await asAuthor.post('/api/notes').send({ clientId: client.id, sessionDate: '2026-11-20', format: 'SOAP', kind: 'progress' });
    await asAuthor.patch(`/api/notes/${note.body.id}`).send({ sections: { subjective: `${marker} disclosed an affair`, plan: marker }, version: 1 });
    expect((await asAuthor.get(`/api/notes/${note.body.id}`)).body.sections.subjective).toContain(marker);

    const assignment = await asAuthor
      .post('/api/assignments')
      .send({ clientId: client.id, exerciseId: 'builtin:small-acts-of-care', instructions: 'Weekly.', dueOn: day(1), recurrence: 'weekly', count: 2 });
    const portal = await portalAs(t, client, author);
    const occurrence = `/api/portal/assignments/${assignment.body.id}/occurrences/1`;
    await portal.put(`${occurrence}/draft`).send({ answers: { detail: `${marker} in a draft` }, version: 0 });
    expect((await portal.post(`${occurrence}/submit`).send({ answers: smallActsAnswers(4, marker), submissionId: crypto.randomUUID() })).status).toBe(200);
    expect(JSON.stringify((await asAuthor.get(`/api/assignments/${assignment.body.id}`)).body)).toContain(marker);

    // Every column of every table, as text: what a stolen dump would show.
    const tables = (await t.db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)) as Array<{ tablename: string }>;
    expect(tables.length).toBeGreaterThan(8);
    for (const { tablename } of tables) {
      const rows = (await t.db.query(`SELECT t::text AS row FROM "${tablename}" t`)) as Array<{ row: string }>;
      const dump = rows.map((r) => r.row).join('\n');
      expect({ table: tablename, hasMarker: dump.includes(marker) || dump.includes(Buffer.from(marker).toString('hex')) }).toEqual({ table: tablename, hasMarker: false });
    }
    expect(t.rawLogs.join('\n')).not.toContain(marker);
  });
});
