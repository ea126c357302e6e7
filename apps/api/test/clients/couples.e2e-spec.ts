import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, signIn } from '../support/factories.js';

describe('couples', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('an admin creates a couple of two or more clients with a primary clinician, who sees it', async () => {
    const practice = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const clinician = await newClinician(t.db, practice);
    const [a, b, c] = [await newClient(t.db, practice, { name: 'Alex' }), await newClient(t.db, practice, { name: 'Sam' }), await newClient(t.db, practice, { name: 'Kai' })];
    const created = await admin.post('/api/couples').send({ displayName: 'Alex, Sam & Kai', memberIds: [a.id, b.id, c.id], primaryClinicianId: clinician.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      displayName: 'Alex, Sam & Kai',
      conjointSafety: 'unscreened',
      safety: { status: 'unscreened', setBy: null },
      primaryClinician: { id: clinician.id },
    });
    expect(created.body.members.map((m: { name: string }) => m.name).sort()).toEqual(['Alex', 'Kai', 'Sam']);
    const asClinician = await signIn(t, clinician);
    expect((await asClinician.get('/api/couples')).body.items.map((x: { id: string }) => x.id)).toEqual([created.body.id]);
    // Through the couple, the clinician reaches its members' basic records.
    expect((await asClinician.get(`/api/clients/${a.id}`)).body.access).toBe('via-couple');
    expect((await asClinician.get('/api/clients')).body.items).toHaveLength(3);
  });

  it('refuses a couple of one, a repeated member, and another practice’s client (404, nothing created)', async () => {
    const practice = await newPractice(t.db);
    const other = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const mine = await newClient(t.db, practice);
    const theirs = await newClient(t.db, other);
    const one = await admin.post('/api/couples').send({ displayName: 'Solo', memberIds: [mine.id] });
    expect(one.status).toBe(400);
    expect(one.body.fields.memberIds).toMatch(/two/);
    expect((await admin.post('/api/couples').send({ displayName: 'Twice', memberIds: [mine.id, mine.id] })).status).toBe(400);
    const foreign = await admin.post('/api/couples').send({ displayName: 'Across', memberIds: [mine.id, theirs.id] });
    expect(foreign.status).toBe(404);
    const [{ count }]: Array<{ count: number }> = await t.db.query(`SELECT count(*)::int AS count FROM couple WHERE practice_id = $1`, [practice.id]);
    expect(count).toBe(0);
    const foreignClinician = await newClinician(t.db, other);
    const withForeignClinician = await admin
      .post('/api/couples')
      .send({ displayName: 'Fine', memberIds: [mine.id, (await newClient(t.db, practice)).id], primaryClinicianId: foreignClinician.id });
    expect(withForeignClinician.status).toBe(404);
  });

  it('adds and removes members with dates kept, and keeps at least two', async () => {
    const practice = await newPractice(t.db);
    const other = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const couple = await newCouple(t.db, practice);
    const third = await newClient(t.db, practice, { name: 'Third Partner' });
    const added = await admin.post(`/api/couples/${couple.id}/members`).send({ clientId: third.id });
    expect(added.status).toBe(201);
    expect(added.body.members).toHaveLength(3);
    expect((await admin.post(`/api/couples/${couple.id}/members`).send({ clientId: third.id })).status).toBe(422);
    expect((await admin.post(`/api/couples/${couple.id}/members`).send({ clientId: (await newClient(t.db, other)).id })).status).toBe(404);

    const removed = await admin.delete(`/api/couples/${couple.id}/members/${couple.memberIds[0]}`);
    expect(removed.status).toBe(200);
    expect(removed.body.members).toHaveLength(2);
    const left = removed.body.memberHistory.find((m: { clientId: string }) => m.clientId === couple.memberIds[0]);
    expect(left.leftAt).toEqual(expect.any(String));
    const tooFew = await admin.delete(`/api/couples/${couple.id}/members/${couple.memberIds[1]}`);
    expect(tooFew.status).toBe(422);
    expect(tooFew.body.message).toMatch(/at least two/);
    expect((await admin.delete(`/api/couples/${couple.id}/members/${couple.memberIds[0]}`)).status).toBe(404);
  });

  it('the couple’s clinicians record the safety screening, with who and when; admins and outsiders cannot', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const outsider = await newClinician(t.db, practice);
    const adminUser = await newAdmin(t.db, practice);
    const couple = await newCouple(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const set = await agent.put(`/api/couples/${couple.id}/safety`).send({ status: 'concern', note: 'Partner reports fear during conflict.', version: 1 });
    expect(set.status).toBe(200);
    expect(set.body.safety).toEqual({
      status: 'concern',
      note: 'Partner reports fear during conflict.',
      setBy: { id: clinician.id, name: clinician.name },
      setAt: expect.any(String),
    });
    expect((await (await signIn(t, outsider)).put(`/api/couples/${couple.id}/safety`).send({ status: 'cleared', version: 2 })).status).toBe(404);
    expect((await (await signIn(t, adminUser)).put(`/api/couples/${couple.id}/safety`).send({ status: 'cleared', version: 2 })).status).toBe(403);
    const bad = await agent.put(`/api/couples/${couple.id}/safety`).send({ status: 'fine' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.status).toBe('must be unscreened, cleared or concern');
  });

  it('renames with optimistic concurrency and filters the list by safety and clinician', async () => {
    const practice = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const maya = await newClinician(t.db, practice);
    const cleared = await newCouple(t.db, practice, { displayName: 'Cleared Pair', safety: 'cleared', clinicians: [maya] });
    await newCouple(t.db, practice, { displayName: 'New Pair' });
    const renamed = await admin.patch(`/api/couples/${cleared.id}`).send({ displayName: 'Cleared Pair (renamed)', version: 1 });
    expect(renamed.body.version).toBe(2);
    expect((await admin.patch(`/api/couples/${cleared.id}`).send({ displayName: 'Stale', version: 1 })).status).toBe(409);
    const bySafety = await admin.get('/api/couples').query({ safety: 'cleared' });
    expect(bySafety.body.items.map((c: { displayName: string }) => c.displayName)).toEqual(['Cleared Pair (renamed)']);
    const byClinician = await admin.get('/api/couples').query({ clinicianId: maya.id });
    expect(byClinician.body.items).toHaveLength(1);
    const unassigned = await admin.get('/api/couples').query({ unassigned: 'true' });
    expect(unassigned.body.items.map((c: { displayName: string }) => c.displayName)).toEqual(['New Pair']);
  });
});

describe('the caseload board', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('counts each clinician’s active clients and couples, and who is unassigned', async () => {
    const practice = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const maya = await newClinician(t.db, practice);
    const sam = await newClinician(t.db, practice);
    await newClient(t.db, practice, { clinicians: [maya] });
    await newClient(t.db, practice, { clinicians: [maya, sam] });
    await newClient(t.db, practice, { clinicians: [maya], status: 'discharged' });
    await newClient(t.db, practice);
    await newCouple(t.db, practice, { clinicians: [sam] });
    await newCouple(t.db, practice);
    const board = await admin.get('/api/caseloads');
    expect(board.status).toBe(200);
    const row = (id: string) => board.body.clinicians.find((c: { clinician: { id: string } }) => c.clinician.id === id);
    expect(row(maya.id)).toMatchObject({ activeClients: 2, couples: 0 });
    expect(row(sam.id)).toMatchObject({ activeClients: 1, couples: 1 });
    // Couple members made by the factory have no care team of their own: 4 members + 1 unassigned client.
    expect(board.body.unassignedClients).toBe(5);
    expect(board.body.unassignedCouples).toBe(1);
  });
});
