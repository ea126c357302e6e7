import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AssignmentSummary, AuditEventView, ClientSummary, Page } from '@tandem/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, portalAs, signIn, type TestPractice, type TestStaff } from '../support/factories.js';
import { day } from '../homework/homework-helpers.js';
import { exerciseDefinition } from '../access/access-matrix.js';

describe('forms refuse nonsense, pages tell the truth', () => {
  let t: TestApp;
  let practice: TestPractice;
  let admin: TestStaff;
  let clinician: TestStaff;

  beforeAll(async () => {
    t = await startTestApp();
    practice = await newPractice(t.db);
    admin = await newAdmin(t.db, practice);
    clinician = await newClinician(t.db, practice);
  });
  afterAll(() => t.close());

  it.each([
    ['in the future', day(400), 'cannot be in the future'],
    ['tomorrow', day(1), 'cannot be in the future'],
    ['before 1900', '1800-01-01', 'must be on or after 1900-01-01'],
  ])('refuses a date of birth %s, on create and on edit, with a message for that field', async (_case, dateOfBirth, message) => {
    const agent = await signIn(t, admin);
    const created = await agent.post('/api/clients').send({ name: 'Robin Vale', dateOfBirth });
    expect(created.status).toBe(400);
    expect(created.body.fields).toEqual({ dateOfBirth: message });
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const edited = await agent.patch(`/api/clients/${client.id}`).send({ dateOfBirth, version: 1 });
    expect(edited.status).toBe(400);
    expect(edited.body.fields).toEqual({ dateOfBirth: message });
    expect((await agent.get(`/api/clients/${client.id}`)).body.dateOfBirth).toBeNull();
  });

  it('accepts a date of birth of today and of 1900-01-01', async () => {
    const agent = await signIn(t, admin);
    for (const dateOfBirth of [day(0), '1900-01-01']) {
      const res = await agent.post('/api/clients').send({ name: `Bound ${dateOfBirth}`, dateOfBirth });
      expect(res.status).toBe(201);
      expect(res.body.dateOfBirth).toBe(dateOfBirth);
    }
  });

  it('asks before adding a second client with the same name and date of birth, and adds them once confirmed', async () => {
    const agent = await signIn(t, admin);
    expect((await agent.post('/api/clients').send({ name: 'Alex Moreno', dateOfBirth: '1985-03-02' })).status).toBe(201);
    const again = await agent.post('/api/clients').send({ name: '  alex moreno ', dateOfBirth: '1985-03-02' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('possible_duplicate');
    expect(again.body.message).toMatch(/Alex Moreno, born 1985-03-02, is already an active client/);
    const count = async () => ((await t.db.query(`SELECT count(*)::int AS n FROM client WHERE practice_id = $1 AND lower(name) = 'alex moreno'`, [practice.id])) as Array<{ n: number }>)[0]!.n;
    expect(await count()).toBe(1);
    // A different date of birth, or none, is a different person as far as Tandem can tell.
    expect((await agent.post('/api/clients').send({ name: 'Alex Moreno', dateOfBirth: '1985-03-03' })).status).toBe(201);
    expect((await agent.post('/api/clients').send({ name: 'Alex Moreno' })).status).toBe(201);
    const confirmed = await agent.post('/api/clients').send({ name: 'Alex Moreno', dateOfBirth: '1985-03-02', confirmDuplicate: true });
    expect(confirmed.status).toBe(201);
    expect(await count()).toBe(4);
    expect((await agent.post('/api/clients').send({ name: 'Alex Moreno', confirmDuplicate: 'yes' })).body.fields).toHaveProperty('confirmDuplicate');
  });

  it('does not call a client of another practice a duplicate', async () => {
    const other = await newPractice(t.db);
    const otherAdmin = await signIn(t, await newAdmin(t.db, other));
    expect((await otherAdmin.post('/api/clients').send({ name: 'Sky Ito', dateOfBirth: '1970-01-01' })).status).toBe(201);
    const agent = await signIn(t, admin);
    expect((await agent.post('/api/clients').send({ name: 'Sky Ito', dateOfBirth: '1970-01-01' })).status).toBe(201);
  });

  it.each([
    ['next year', day(366), 'cannot be in the future: date the note on the day of the session'],
    ['tomorrow', day(1), 'cannot be in the future: date the note on the day of the session'],
    ['in 1999', '1999-12-31', 'must be on or after 2000-01-01'],
  ])('refuses a session note dated %s, when started and when the draft is edited', async (_case, sessionDate, message) => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const refused = await agent.post('/api/notes').send({ clientId: client.id, sessionDate, format: 'SOAP', kind: 'progress' });
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual({ sessionDate: message });
    const note = await agent.post('/api/notes').send({ clientId: client.id, sessionDate: day(-3), format: 'SOAP', kind: 'progress' });
    expect(note.status).toBe(201);
    const edited = await agent.patch(`/api/notes/${note.body.id}`).send({ sessionDate, version: note.body.version });
    expect(edited.status).toBe(400);
    expect(edited.body.fields).toEqual({ sessionDate: message });
    expect((await agent.get(`/api/notes/${note.body.id}`)).body.sessionDate).toBe(day(-3));
  });

  it('lets the author change a draft note’s date, and not a signed note’s', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const note = await agent.post('/api/notes').send({ clientId: client.id, sessionDate: day(0), format: 'free', kind: 'progress' });
    const moved = await agent.patch(`/api/notes/${note.body.id}`).send({ sessionDate: day(-1), sections: { note: 'Met to plan.' }, version: note.body.version });
    expect(moved.status).toBe(200);
    expect(moved.body.sessionDate).toBe(day(-1));
    const signed = await agent.post(`/api/notes/${note.body.id}/sign`).send({ version: moved.body.version });
    expect(signed.status).toBe(200);
    const late = await agent.patch(`/api/notes/${note.body.id}`).send({ sessionDate: day(-2), version: signed.body.version });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('note_signed');
  });

  it('discharge cancels the client’s open individual homework in the same step, keeps what was done, and says so in the audit log', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const partner = await newClient(t.db, practice, { clinicians: [clinician] });
    const couple = await newCouple(t.db, practice, { members: [client, partner], clinicians: [clinician], safety: 'cleared' });
    const agent = await signIn(t, clinician);
    const give = (subject: object) =>
      agent.post('/api/assignments').send({ ...subject, exerciseId: 'builtin:small-acts-of-care', instructions: '', dueOn: day(2), recurrence: 'weekly', count: 1, ...('coupleId' in subject ? { sharing: 'private' } : {}) });
    const open = await give({ clientId: client.id });
    const done = await give({ clientId: client.id });
    const forCouple = await give({ coupleId: couple.id });
    expect([open.status, done.status, forCouple.status]).toEqual([201, 201, 201]);
    const portal = await portalAs(t, client, clinician);
    const submitted = await portal.post(`/api/portal/assignments/${done.body.id}/occurrences/1/submit`).send({
      answers: { act: 'helped', detail: 'Tea.', landed: 'warmly', connection: 6, 'cared-for': 5 },
      submissionId: '5b0c6c52-5d1b-4b39-9a8e-3f7d7f0e9d11',
    });
    expect(submitted.status).toBe(200);
    expect((await agent.get(`/api/clients/${client.id}`)).body.homework.dueThisWeek).toBe(1);
    expect(submitted.body.status).toBe('submitted');

    const discharged = await agent.post(`/api/clients/${client.id}/discharge`);
    expect(discharged.status).toBe(200);
    expect(discharged.body.status).toBe('discharged');
    expect(discharged.body.homework).toMatchObject({ dueThisWeek: 0, overdue: 0 });
    const list = (await agent.get(`/api/assignments?clientId=${client.id}`)).body as Page<AssignmentSummary>;
    const statusOf = (id: string) => list.items.find((a) => a.id === id)!.status;
    expect(statusOf(open.body.id)).toBe('cancelled');
    expect(statusOf(done.body.id)).toBe('done');
    expect(list.items.find((a) => a.id === open.body.id)!.cancelledAt).not.toBeNull();
    const coupleHomework = (await agent.get(`/api/assignments?coupleId=${couple.id}`)).body as Page<AssignmentSummary>;
    expect(coupleHomework.items[0]!.status).toBe('assigned');

    const log = (await (await signIn(t, admin)).get(`/api/audit?subjectId=${client.id}`)).body as Page<AuditEventView>;
    const cancelled = log.items.filter((e) => e.action === 'assignment.cancelled');
    expect(cancelled.map((e) => e.recordId)).toEqual([open.body.id]);
    expect(cancelled[0]!.detail).toEqual({ reason: 'discharged' });
    expect(log.items.find((e) => e.action === 'client.discharged')!.detail).toEqual({ homeworkCancelled: 1 });
    // Discharging twice changes nothing more.
    expect((await agent.post(`/api/clients/${client.id}/discharge`)).status).toBe(200);
    const after = (await (await signIn(t, admin)).get(`/api/audit?subjectId=${client.id}&action=client.discharged`)).body as Page<AuditEventView>;
    expect(after.items).toHaveLength(1);
  });

  it('“waiting for a clinician” leaves out members of a couple that has one, on the list and in the board’s count', async () => {
    const fresh = await newPractice(t.db);
    const freshAdmin = await newAdmin(t.db, fresh);
    const maya = await newClinician(t.db, fresh);
    const alone = await newClient(t.db, fresh, { name: 'Alone Waiting' });
    const inCoupleWithClinician = await newClient(t.db, fresh, { name: 'Partner Covered' });
    const otherPartner = await newClient(t.db, fresh, { name: 'Partner Also Covered' });
    await newCouple(t.db, fresh, { members: [inCoupleWithClinician, otherPartner], clinicians: [maya] });
    const inCoupleWithout = await newClient(t.db, fresh, { name: 'Partner Uncovered' });
    await newCouple(t.db, fresh, { members: [inCoupleWithout, await newClient(t.db, fresh, { name: 'Partner Uncovered Two' })] });
    const agent = await signIn(t, freshAdmin);
    const waiting = (await agent.get('/api/clients?unassigned=true&status=active')).body as Page<ClientSummary>;
    expect(waiting.items.map((c) => c.name).sort()).toEqual(['Alone Waiting', 'Partner Uncovered', 'Partner Uncovered Two']);
    expect(waiting.items.map((c) => c.id)).toContain(alone.id);
    expect((await agent.get('/api/caseloads')).body.unassignedClients).toBe(3);
  });

  it('refuses an exercise whose step offers the same choice twice, naming that choice', async () => {
    const agent = await signIn(t, clinician);
    const res = await agent.post('/api/exercises').send({
      definition: {
        ...exerciseDefinition('twice-me'),
        recurrence: ['once'],
        steps: [{ id: 'who', kind: 'single', prompt: 'Who starts?', required: true, options: [{ id: 'me', label: 'Me' }, { id: 'me-again', label: 'Me' }] }],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual({ 'definition.steps.0.options.1.label': 'is the same as choice 1' });
  });
});
