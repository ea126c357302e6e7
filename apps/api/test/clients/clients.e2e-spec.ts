import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, signIn } from '../support/factories.js';

const names = (res: { body: { items: Array<{ name: string }> } }) => res.body.items.map((c) => c.name);

describe('clients', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('an admin creates a client on a clinician’s caseload; that clinician sees them, another does not', async () => {
    const practice = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const maya = await newClinician(t.db, practice);
    const sam = await newClinician(t.db, practice);
    const created = await admin.post('/api/clients').send({
      name: 'Jordan Blake',
      preferredName: 'Jo',
      email: 'JO@EXAMPLE.ORG',
      phone: '+1 (555) 010-2030',
      dateOfBirth: '1990-04-17',
      preferredLanguage: 'es-MX',
      primaryClinicianId: maya.id,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Jordan Blake',
      preferredName: 'Jo',
      email: 'jo@example.org',
      dateOfBirth: '1990-04-17',
      preferredLanguage: 'es-MX',
      status: 'active',
      version: 1,
      primaryClinician: { id: maya.id, name: maya.name },
      careTeam: [expect.objectContaining({ staffId: maya.id, role: 'primary' })],
    });
    const asMaya = await signIn(t, maya);
    const asSam = await signIn(t, sam);
    expect(names(await asMaya.get('/api/clients'))).toEqual(['Jordan Blake']);
    expect((await asMaya.get(`/api/clients/${created.body.id}`)).body.access).toBe('care-team');
    expect(names(await asSam.get('/api/clients'))).toEqual([]);
    expect((await asSam.get(`/api/clients/${created.body.id}`)).status).toBe(404);
  });

  it('refuses bad client fields with a message per field', async () => {
    const practice = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const res = await admin.post('/api/clients').send({ name: '  ', email: 'not-an-email', dateOfBirth: '1990-02-30', phone: 'call me', preferredLanguage: 'english!' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields).sort()).toEqual(['dateOfBirth', 'email', 'name', 'phone', 'preferredLanguage']);
  });

  it('lets two clients share an email address (partners often do)', async () => {
    const practice = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    for (const name of ['Partner One', 'Partner Two']) {
      expect((await admin.post('/api/clients').send({ name, email: 'family@example.org' })).status).toBe(201);
    }
  });

  it('a clinician on a couple’s team sees its members’ basic record only, and cannot edit it', async () => {
    const practice = await newPractice(t.db);
    const couplesTherapist = await newClinician(t.db, practice);
    const individualTherapist = await newClinician(t.db, practice);
    const member = await newClient(t.db, practice, { name: 'Riley Stone', clinicians: [individualTherapist] });
    await t.db.query(`UPDATE client SET email = 'riley@example.org', date_of_birth = '1985-01-02' WHERE id = $1`, [member.id]);
    await newCouple(t.db, practice, { members: [member, await newClient(t.db, practice)], clinicians: [couplesTherapist] });
    const agent = await signIn(t, couplesTherapist);
    const seen = await agent.get(`/api/clients/${member.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ name: 'Riley Stone', access: 'via-couple', email: null, dateOfBirth: null });
    const edit = await agent.patch(`/api/clients/${member.id}`).send({ preferredName: 'R', version: 1 });
    expect(edit.status).toBe(403);
    const own = await (await signIn(t, individualTherapist)).get(`/api/clients/${member.id}`);
    expect(own.body).toMatchObject({ access: 'care-team', email: 'riley@example.org', dateOfBirth: '1985-01-02' });
  });

  it('a stale edit gets 409 and changes nothing; a fresh one succeeds', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const tabA = await signIn(t, clinician);
    const tabB = await signIn(t, clinician);
    const first = await tabA.patch(`/api/clients/${client.id}`).send({ preferredName: 'From tab A', version: 1 });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    const stale = await tabB.patch(`/api/clients/${client.id}`).send({ preferredName: 'From tab B', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_version');
    const now = await tabB.get(`/api/clients/${client.id}`);
    expect(now.body.preferredName).toBe('From tab A');
    const retry = await tabB.patch(`/api/clients/${client.id}`).send({ preferredName: 'From tab B', version: now.body.version });
    expect(retry.body).toMatchObject({ preferredName: 'From tab B', version: 3 });
  });

  it('discharges and reactivates instead of deleting, keeping the date', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const discharged = await agent.post(`/api/clients/${client.id}/discharge`);
    expect(discharged.body).toMatchObject({ status: 'discharged', dischargedAt: expect.any(String) });
    expect(names(await agent.get('/api/clients').query({ status: 'active' }))).toEqual([]);
    expect(names(await agent.get('/api/clients').query({ status: 'discharged' }))).toEqual([client.name]);
    const back = await agent.post(`/api/clients/${client.id}/reactivate`);
    expect(back.body).toMatchObject({ status: 'active', dischargedAt: null });
    expect((await agent.delete(`/api/clients/${client.id}`)).status).toBe(404);
    const [row]: Array<{ count: number }> = await t.db.query(`SELECT count(*)::int AS count FROM client WHERE id = $1`, [client.id]);
    expect(row!.count).toBe(1);
  });

  it('care teams: admins reassign; the old clinician loses sight, history is kept; only clinicians of the practice qualify', async () => {
    const practice = await newPractice(t.db);
    const other = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const adminOnly = await newAdmin(t.db, practice);
    const maya = await newClinician(t.db, practice);
    const sam = await newClinician(t.db, practice);
    const stranger = await newClinician(t.db, other);
    const client = await newClient(t.db, practice, { clinicians: [maya] });

    const moved = await admin.put(`/api/clients/${client.id}/care-team`).send({ primaryClinicianId: sam.id, otherClinicianIds: [maya.id] });
    expect(moved.status).toBe(200);
    expect(moved.body.careTeam.map((m: { staffId: string; role: string }) => [m.staffId, m.role])).toEqual([
      [sam.id, 'primary'],
      [maya.id, 'secondary'],
    ]);
    const onlySam = await admin.put(`/api/clients/${client.id}/care-team`).send({ primaryClinicianId: sam.id, otherClinicianIds: [] });
    expect(onlySam.body.careTeam).toHaveLength(1);
    expect((await (await signIn(t, maya)).get(`/api/clients/${client.id}`)).status).toBe(404);
    const [history]: Array<{ count: number }> = await t.db.query(
      `SELECT count(*)::int AS count FROM care_team_member WHERE client_id = $1 AND removed_at IS NOT NULL`,
      [client.id],
    );
    expect(history!.count).toBe(2);

    const foreign = await admin.put(`/api/clients/${client.id}/care-team`).send({ primaryClinicianId: stranger.id, otherClinicianIds: [] });
    expect(foreign.status).toBe(404);
    const notClinician = await admin.put(`/api/clients/${client.id}/care-team`).send({ primaryClinicianId: adminOnly.id, otherClinicianIds: [] });
    expect(notClinician.status).toBe(404);
    const twice = await admin.put(`/api/clients/${client.id}/care-team`).send({ primaryClinicianId: sam.id, otherClinicianIds: [sam.id] });
    expect(twice.status).toBe(400);
    expect((await (await signIn(t, sam)).get(`/api/clients/${client.id}`)).body.careTeam[0].staffId).toBe(sam.id);
  });

  it('a clinician cannot read or write another practice’s client even with its id', async () => {
    const practice = await newPractice(t.db);
    const other = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const foreignClinician = await newClinician(t.db, other);
    const foreign = await newClient(t.db, other, { clinicians: [foreignClinician] });
    const agent = await signIn(t, clinician);
    for (const res of [
      await agent.get(`/api/clients/${foreign.id}`),
      await agent.patch(`/api/clients/${foreign.id}`).send({ name: 'Changed', version: 1 }),
      await agent.post(`/api/clients/${foreign.id}/discharge`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.message).toBe('That client does not exist.');
    }
  });

  it('lists with search, filters, sorting and keyset pages', async () => {
    const practice = await newPractice(t.db);
    const adminUser = await newAdmin(t.db, practice);
    const maya = await newClinician(t.db, practice);
    const sam = await newClinician(t.db, practice);
    const ana = await newClient(t.db, practice, { name: 'Ana Alvarez', clinicians: [maya] });
    const ben = await newClient(t.db, practice, { name: 'Ben Brooks', clinicians: [sam] });
    await newClient(t.db, practice, { name: 'Cleo Cruz', clinicians: [maya], status: 'discharged' });
    await newClient(t.db, practice, { name: 'Dev Das' });
    await newClient(t.db, practice, { name: 'Eli Evans', clinicians: [sam] });
    await newCouple(t.db, practice, { members: [ana, ben], displayName: 'Ana & Ben' });
    await newClient(t.db, await newPractice(t.db), { name: 'Ana Elsewhere' });
    const admin = await signIn(t, adminUser);

    const page1 = await admin.get('/api/clients').query({ limit: '2' });
    expect(names(page1)).toEqual(['Ana Alvarez', 'Ben Brooks']);
    const page2 = await admin.get('/api/clients').query({ limit: '2', cursor: page1.body.nextCursor });
    expect(names(page2)).toEqual(['Cleo Cruz', 'Dev Das']);
    const page3 = await admin.get('/api/clients').query({ limit: '2', cursor: page2.body.nextCursor });
    expect(names(page3)).toEqual(['Eli Evans']);
    expect(page3.body.nextCursor).toBeNull();

    expect(names(await admin.get('/api/clients').query({ q: 'ana' }))).toEqual(['Ana Alvarez']);
    expect(names(await admin.get('/api/clients').query({ q: '%' }))).toEqual([]);
    expect(names(await admin.get('/api/clients').query({ clinicianId: maya.id }))).toEqual(['Ana Alvarez', 'Cleo Cruz']);
    expect(names(await admin.get('/api/clients').query({ hasCouple: 'true' }))).toEqual(['Ana Alvarez', 'Ben Brooks']);
    expect(names(await admin.get('/api/clients').query({ hasCouple: 'false', status: 'active' }))).toEqual(['Dev Das', 'Eli Evans']);
    expect(names(await admin.get('/api/clients').query({ unassigned: 'true' }))).toEqual(['Dev Das']);
    const recent = await admin.get('/api/clients').query({ sort: 'recent', limit: '3' });
    expect(names(recent)).toEqual(['Eli Evans', 'Dev Das', 'Cleo Cruz']);
    const recentAll = [...names(recent), ...names(await admin.get('/api/clients').query({ sort: 'recent', limit: '3', cursor: recent.body.nextCursor }))];
    expect(recentAll).toEqual(['Eli Evans', 'Dev Das', 'Cleo Cruz', 'Ben Brooks', 'Ana Alvarez']);
    const listed = (await admin.get('/api/clients').query({ q: 'ana' })).body.items[0];
    expect(listed.couples).toEqual([expect.objectContaining({ displayName: 'Ana & Ben' })]);
    expect(listed.primaryClinician).toEqual({ id: maya.id, name: maya.name });

    const asMaya = await signIn(t, maya);
    expect((await asMaya.get('/api/clients').query({ clinicianId: sam.id })).status).toBe(403);
    expect((await asMaya.get('/api/clients').query({ unassigned: 'true' })).status).toBe(403);
  });
});
