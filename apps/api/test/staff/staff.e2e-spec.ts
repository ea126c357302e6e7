import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClinician, newPractice, newStaff, signIn } from '../support/factories.js';

const tokenOf = (inviteUrl: string) => new URL(inviteUrl).hash.replace('#token=', '');

describe('staff administration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('invites a clinician who sets a password through the one-time link and signs in', async () => {
    const practice = await newPractice(t.db, 'Harbor Counseling');
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const invite = await admin.post('/api/staff').send({ email: ' New.Person@Test.Example ', name: 'New Person', roles: ['clinician'] });
    expect(invite.status).toBe(201);
    expect(invite.body.member).toMatchObject({ email: 'new.person@test.example', status: 'invited', roles: ['clinician'] });
    expect(invite.body.inviteUrl).toMatch(/\/set-password#token=[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(invite.body.inviteUrl);

    // Not yet able to sign in.
    const early = await t.request().post('/api/auth/login').send({ email: 'new.person@test.example', password: 'a good long passphrase' });
    expect(early.status).toBe(401);

    const described = await t.request().post('/api/auth/invite').send({ token });
    expect(described.body).toEqual({ email: 'new.person@test.example', name: 'New Person', practiceName: 'Harbor Counseling' });

    const short = await t.request().post('/api/auth/set-password').send({ token, password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.fields.password).toMatch(/at least 12/);
    const common = await t.request().post('/api/auth/set-password').send({ token, password: 'password1234' });
    expect(common.status).toBe(400);
    expect(common.body.fields.password).toMatch(/common/);

    const set = await t.request().post('/api/auth/set-password').send({ token, password: 'a good long passphrase' });
    expect(set.status).toBe(204);
    const reused = await t.request().post('/api/auth/set-password').send({ token, password: 'another long passphrase' });
    expect(reused.status).toBe(404);

    const clinician = await signIn(t, { email: 'new.person@test.example', password: 'a good long passphrase' });
    const me = await clinician.get('/api/auth/me');
    expect(me.body.user.roles).toEqual(['clinician']);
    expect((await clinician.get('/api/staff')).status).toBe(403);

    const listed = await admin.get('/api/staff').query({ q: 'new person' });
    expect(listed.body.items.map((m: { status: string }) => m.status)).toEqual(['active']);
  });

  it('refuses an expired invite link and stops older links when a new one is issued', async () => {
    const practice = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const first = await admin.post('/api/staff').send({ email: 'twice@test.example', name: 'Twice', roles: ['clinician'] });
    const second = await admin.post(`/api/staff/${first.body.member.id}/invite`);
    expect(second.status).toBe(200);
    expect((await t.request().post('/api/auth/invite').send({ token: tokenOf(first.body.inviteUrl) })).status).toBe(404);
    expect((await t.request().post('/api/auth/invite').send({ token: tokenOf(second.body.inviteUrl) })).status).toBe(200);
    await t.db.query(`UPDATE staff_invite SET expires_at = now() - interval '1 minute' WHERE staff_user_id = $1`, [first.body.member.id]);
    expect((await t.request().post('/api/auth/invite').send({ token: tokenOf(second.body.inviteUrl) })).status).toBe(404);
  });

  it('refuses a duplicate email within the practice with 409, but allows it in another practice', async () => {
    const practice = await newPractice(t.db);
    const other = await newPractice(t.db);
    const existing = await newClinician(t.db, other);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const ok = await admin.post('/api/staff').send({ email: existing.email, name: 'Same Email', roles: ['clinician'] });
    expect(ok.status).toBe(201);
    const dup = await admin.post('/api/staff').send({ email: existing.email, name: 'Same Email', roles: ['admin'] });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('email_taken');
  });

  it('changes roles, and a practice always keeps at least one active admin', async () => {
    const practice = await newPractice(t.db);
    const owner = await newAdmin(t.db, practice);
    const admin = await signIn(t, owner);
    const demote = await admin.patch(`/api/staff/${owner.id}`).send({ roles: ['clinician'] });
    expect(demote.status).toBe(422);
    expect(demote.body.code).toBe('last_admin');
    expect((await admin.post(`/api/staff/${owner.id}/deactivate`)).status).toBe(422);

    const colleague = await newClinician(t.db, practice);
    const promoted = await admin.patch(`/api/staff/${colleague.id}`).send({ roles: ['admin', 'clinician'] });
    expect(promoted.status).toBe(200);
    expect(promoted.body.roles).toEqual(['admin', 'clinician']);
    const nowAllowed = await admin.patch(`/api/staff/${owner.id}`).send({ roles: ['clinician'] });
    expect(nowAllowed.status).toBe(200);
    // The role change takes effect on the next request of the same session.
    expect((await admin.get('/api/staff')).status).toBe(403);
  });

  it('never lets two admins deactivate each other at the same moment', async () => {
    const practice = await newPractice(t.db);
    const a = await newAdmin(t.db, practice);
    const b = await newAdmin(t.db, practice);
    const [asA, asB] = await Promise.all([signIn(t, a), signIn(t, b)]);
    const results = await Promise.all([asA.post(`/api/staff/${b.id}/deactivate`), asB.post(`/api/staff/${a.id}/deactivate`)]);
    // The loser is refused as the last admin (422), or finds its own session already ended (401).
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 422 || s === 401)).toHaveLength(1);
    const [{ count }]: Array<{ count: number }> = await t.db.query(
      `SELECT count(*)::int AS count FROM staff_user WHERE practice_id = $1 AND active AND 'admin' = ANY(roles)`,
      [practice.id],
    );
    expect(count).toBe(1);
  });

  it('deactivation ends that person’s sessions at once, and reactivation lets them sign in again', async () => {
    const practice = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const clinicianUser = await newClinician(t.db, practice);
    const clinician = await signIn(t, clinicianUser);
    expect((await clinician.get('/api/auth/me')).status).toBe(200);
    const off = await admin.post(`/api/staff/${clinicianUser.id}/deactivate`);
    expect(off.body.status).toBe('deactivated');
    expect((await clinician.get('/api/auth/me')).status).toBe(401);
    expect((await t.request().post('/api/auth/login').send({ email: clinicianUser.email, password: clinicianUser.password })).status).toBe(401);
    const on = await admin.post(`/api/staff/${clinicianUser.id}/reactivate`);
    expect(on.body.status).toBe('active');
    await signIn(t, clinicianUser);
  });

  it('lists staff by name with search and keyset pages', async () => {
    const practice = await newPractice(t.db);
    const adminUser = await newStaff(t.db, practice, { roles: ['admin'], name: 'Aaron Admin' });
    for (const name of ['Bea', 'Cal', 'Dee', 'Eve', 'Fay']) await newStaff(t.db, practice, { name: `${name} Clinician` });
    await newStaff(t.db, await newPractice(t.db), { name: 'Bea Elsewhere' });
    const admin = await signIn(t, adminUser);
    const first = await admin.get('/api/staff').query({ limit: '4' });
    expect(first.body.items.map((m: { name: string }) => m.name)).toEqual(['Aaron Admin', 'Bea Clinician', 'Cal Clinician', 'Dee Clinician']);
    const second = await admin.get('/api/staff').query({ limit: '4', cursor: first.body.nextCursor });
    expect(second.body.items.map((m: { name: string }) => m.name)).toEqual(['Eve Clinician', 'Fay Clinician']);
    expect(second.body.nextCursor).toBeNull();
    const search = await admin.get('/api/staff').query({ q: 'bea' });
    expect(search.body.items.map((m: { name: string }) => m.name)).toEqual(['Bea Clinician']);
    const badCursor = await admin.get('/api/staff').query({ cursor: 'nonsense' });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.fields.cursor).toBeDefined();
    const badLimit = await admin.get('/api/staff').query({ limit: '1000' });
    expect(badLimit.status).toBe(400);
  });

  it('treats another practice’s staff and malformed ids as missing', async () => {
    const practice = await newPractice(t.db);
    const other = await newPractice(t.db);
    const stranger = await newClinician(t.db, other);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    for (const path of [`/api/staff/${stranger.id}`, '/api/staff/not-a-uuid', '/api/staff/00000000-0000-0000-0000-000000000000']) {
      const res = await admin.get(path);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    const patched = await admin.patch(`/api/staff/${stranger.id}`).send({ name: 'Hijacked' });
    expect(patched.status).toBe(404);
    const [row]: Array<{ name: string }> = await t.db.query(`SELECT name FROM staff_user WHERE id = $1`, [stranger.id]);
    expect(row!.name).not.toBe('Hijacked');
  });

  it('takes the practice from the session, never from the body', async () => {
    const practice = await newPractice(t.db);
    const other = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const res = await admin.post('/api/staff').send({ email: 'sneaky@test.example', name: 'Sneaky', roles: ['clinician'], practiceId: other.id });
    expect(res.status).toBe(400);
    expect(res.body.fields.practiceId).toBe('is not a known field');
  });
});
