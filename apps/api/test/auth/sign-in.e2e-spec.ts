import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GuessingLimits } from '../../src/auth/guessing-limits.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClinician, newPractice, newStaff, signIn, TEST_PASSWORD } from '../support/factories.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('staff sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TANDEM_LOGIN_MAX_ATTEMPTS: '4', TANDEM_LOGIN_WINDOW_SECONDS: '600' });
  });
  afterAll(() => t.close());

  it('signs in with email and password and sets a strict, HttpOnly session cookie', async () => {
    const practice = await newPractice(t.db, 'Lakeside Practice');
    const admin = await newAdmin(t.db, practice);
    const res = await t.request().post('/api/auth/login').send({ email: admin.email.toUpperCase(), password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ id: admin.id, email: admin.email, name: admin.name, roles: ['admin'] });
    expect(res.body.practice.name).toBe('Lakeside Practice');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^tandem_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/api');
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const stored: Array<{ token_hash: Buffer }> = await t.db.query(`SELECT token_hash FROM staff_session WHERE staff_user_id = $1`, [admin.id]);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash.toString('utf8')).not.toContain(token);
  });

  it('answers a wrong password, an unknown email and a deactivated account the same way', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const gone = await newStaff(t.db, practice, { active: false });
    const answers = await Promise.all([
      t.request().post('/api/auth/login').send({ email: clinician.email, password: 'wrong password here' }),
      t.request().post('/api/auth/login').send({ email: 'nobody.at.all@test.example', password: 'wrong password here' }),
      t.request().post('/api/auth/login').send({ email: gone.email, password: TEST_PASSWORD }),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
      expect(res.body.message).toBe(answers[0]!.body.message);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('spends a password hash on unknown emails too, so timing does not reveal who has an account', async () => {
    const practice = await newPractice(t.db);
    const known = await newClinician(t.db, practice);
    const time = async (email: string) => {
      const start = performance.now();
      await t.request().post('/api/auth/login').send({ email, password: 'definitely wrong' });
      return performance.now() - start;
    };
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      knownTimes.push(await time(known.email));
      unknownTimes.push(await time(`unknown.${i}@test.example`));
    }
    // Without the dummy hash an unknown email answers in ~1 ms against ~30+ ms for argon2id.
    expect(median(unknownTimes)).toBeGreaterThan(median(knownTimes) * 0.4);
  });

  it('rate limits repeated failures for one email with 429 and Retry-After', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    for (let i = 0; i < 4; i++) {
      const res = await t.request().post('/api/auth/login').send({ email: clinician.email, password: 'wrong password here' });
      expect(res.status).toBe(401);
    }
    const blocked = await t.request().post('/api/auth/login').send({ email: clinician.email, password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body.code).toBe('rate_limited');
  });

  it('keeps the counts in PostgreSQL without the email or address, and sweeps windows that ended over an hour ago', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    expect((await t.request().post('/api/auth/login').send({ email: clinician.email, password: 'wrong password here' })).status).toBe(401);
    const rows = (await t.db.query(`SELECT key, points FROM guessing_limit`)) as Array<{ key: string; points: number }>;
    const prefixes = new Set(rows.map((r) => r.key.split(':')[0]));
    expect(prefixes).toEqual(new Set(['sign-in-email', 'sign-in-address']));
    for (const row of rows) {
      expect(row.key).toMatch(/^[a-z-]+:[A-Za-z0-9_-]{43}$/);
      expect(row.key).not.toContain(clinician.email);
      expect(row.key).not.toContain('127.0.0.1');
    }
    await t.db.query(`INSERT INTO guessing_limit (key, points, expire) VALUES ('sign-in-email:old', 3, $1), ('sign-in-email:recent', 3, $2)`, [
      Date.now() - 2 * 3_600_000,
      Date.now() - 60_000,
    ]);
    await t.app.get(GuessingLimits).sweep();
    const left = ((await t.db.query(`SELECT key FROM guessing_limit`)) as Array<{ key: string }>).map((r) => r.key);
    expect(left).not.toContain('sign-in-email:old');
    expect(left).toContain('sign-in-email:recent');
    expect(left.length).toBe(rows.length + 1);
  });

  it('finds the right account when two practices use the same email', async () => {
    const a = await newPractice(t.db, 'Practice A');
    const b = await newPractice(t.db, 'Practice B');
    const email = 'shared.person@test.example';
    await newStaff(t.db, a, { email });
    const inB = await newStaff(t.db, b, { email });
    await t.db.query(`UPDATE staff_user SET password_hash = NULL WHERE practice_id = $1`, [a.id]);
    const agent = await signIn(t, { email, password: TEST_PASSWORD });
    const me = await agent.get('/api/auth/me');
    expect(me.body.user.id).toBe(inB.id);
    expect(me.body.practice.name).toBe('Practice B');
  });

  it('me answers 401 without a session and after sign-out', async () => {
    expect((await t.request().get('/api/auth/me')).status).toBe(401);
    const practice = await newPractice(t.db);
    const agent = await signIn(t, await newClinician(t.db, practice));
    expect((await agent.get('/api/auth/me')).status).toBe(200);
    expect((await agent.post('/api/auth/logout')).status).toBe(204);
    const after = await agent.get('/api/auth/me');
    expect(after.status).toBe(401);
  });

  it('sign-out revokes the session on the server, not only the cookie', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const login = await t.request().post('/api/auth/login').send({ email: clinician.email, password: TEST_PASSWORD });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    await t.request().post('/api/auth/logout').set('Cookie', cookie).expect(204);
    const replay = await t.request().get('/api/auth/me').set('Cookie', cookie);
    expect(replay.status).toBe(401);
  });

  it('ends a session after 30 idle minutes and after 12 hours in all', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const idle = await signIn(t, clinician);
    await t.db.query(`UPDATE staff_session SET last_seen_at = now() - interval '31 minutes' WHERE staff_user_id = $1`, [clinician.id]);
    const idleRes = await idle.get('/api/auth/me');
    expect(idleRes.status).toBe(401);
    expect(idleRes.body.code).toBe('session_expired');

    const old = await signIn(t, clinician);
    await t.db.query(`UPDATE staff_session SET expires_at = now() - interval '1 second' WHERE staff_user_id = $1 AND revoked_at IS NULL`, [
      clinician.id,
    ]);
    const oldRes = await old.get('/api/auth/me');
    expect(oldRes.status).toBe(401);
    expect(oldRes.body.code).toBe('session_expired');
  });

  it('keeps an active session alive: activity moves the idle deadline', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const agent = await signIn(t, clinician);
    await t.db.query(`UPDATE staff_session SET last_seen_at = now() - interval '29 minutes' WHERE staff_user_id = $1`, [clinician.id]);
    const res = await agent.get('/api/auth/me');
    expect(res.status).toBe(200);
    expect(new Date(res.body.session.idleExpiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
  });

  it('ignores a forged or malformed session cookie', async () => {
    const res = await t.request().get('/api/auth/me').set('Cookie', 'tandem_session=forged');
    expect(res.status).toBe(401);
    const res2 = await t.request().get('/api/auth/me').set('Cookie', `tandem_session=${'A'.repeat(43)}`);
    expect(res2.status).toBe(401);
  });
});
