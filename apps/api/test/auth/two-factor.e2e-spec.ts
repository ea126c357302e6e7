import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClinician, newPractice, signIn, type TestStaff } from '../support/factories.js';

/** The code an authenticator app shows `stepsAhead` 30-second steps from now. */
const codeFor = (secret: string, stepsAhead = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });

describe('two-factor sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TANDEM_LOGIN_MAX_ATTEMPTS: '4', TANDEM_LOGIN_WINDOW_SECONDS: '600' });
  });
  afterAll(() => t.close());

  const actions = async (userId: string) =>
    ((await t.db.query(`SELECT action, actor_kind, detail FROM audit_event WHERE actor_id = $1 ORDER BY occurred_at, seq`, [userId])) as Array<{ action: string; actor_kind: string; detail: Record<string, unknown> }>);

  /** Turns two-factor sign-in on from the account page; returns the secret, the code used and the recovery codes. */
  async function enrol(staff: TestStaff) {
    const agent = await signIn(t, staff);
    const started = await agent.post('/api/account/two-factor/enrolment');
    expect(started.status).toBe(200);
    const first = await codeFor(started.body.secret);
    const confirmed = await agent.post('/api/account/two-factor/enrolment/confirm').send({ code: first });
    expect(confirmed.status).toBe(200);
    return { agent, secret: started.body.secret as string, first, recoveryCodes: confirmed.body.recoveryCodes as string[] };
  }

  /** Email and password; returns the agent (holding the sign-in cookie) and the answer. */
  async function password(staff: TestStaff) {
    const agent = t.request();
    const res = await agent.post('/api/auth/login').send({ email: staff.email, password: staff.password });
    return { agent, res };
  }

  /** Lets the next code of the same 30-second step count as new again, as if time had moved on. */
  const forgetLastCode = (staff: TestStaff) => t.db.query(`UPDATE staff_totp SET last_time_step = 0 WHERE staff_user_id = $1`, [staff.id]);

  it('enrols from the account page: a QR code and secret, a first code, ten recovery codes shown once and stored hashed', async () => {
    const practice = await newPractice(t.db, 'Harbor Counseling');
    const clinician = await newClinician(t.db, practice);
    const agent = await signIn(t, clinician);
    expect((await agent.get('/api/account/two-factor')).body).toEqual({ enabled: false, required: false, recoveryCodesLeft: 0 });

    const started = await agent.post('/api/account/two-factor/enrolment');
    expect(started.status).toBe(200);
    expect(started.headers['cache-control']).toBe('no-store');
    expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.*Harbor%20Counseling.*\?.*secret=/);
    expect(started.body.qrCode).toMatch(/^data:image\/png;base64,/);
    const [stored] = (await t.db.query(`SELECT secret_enc, confirmed_at FROM staff_totp WHERE staff_user_id = $1`, [clinician.id])) as Array<{ secret_enc: Buffer; confirmed_at: Date | null }>;
    expect(stored!.confirmed_at).toBeNull();
    expect(stored!.secret_enc.toString('latin1')).not.toContain(started.body.secret);

    // Not yet on: signing in still takes only the password.
    expect((await password(clinician)).res.body.user.id).toBe(clinician.id);

    const wrong = await agent.post('/api/account/two-factor/enrolment/confirm').send({ code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.fields.code).toMatch(/does not match/);

    const confirmed = await agent.post('/api/account/two-factor/enrolment/confirm').send({ code: await codeFor(started.body.secret) });
    expect(confirmed.status).toBe(200);
    const codes: string[] = confirmed.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    const hashes = (await t.db.query(`SELECT code_hash FROM staff_recovery_code WHERE staff_user_id = $1`, [clinician.id])) as Array<{ code_hash: Buffer }>;
    expect(hashes).toHaveLength(10);
    for (const { code_hash } of hashes) for (const code of codes) expect(code_hash.toString('latin1')).not.toContain(code.replace(/-/g, ''));

    expect((await agent.get('/api/account/two-factor')).body).toEqual({ enabled: true, required: false, recoveryCodesLeft: 10 });
    const again = await agent.post('/api/account/two-factor/enrolment');
    expect(again.status).toBe(422);
    expect((await actions(clinician.id)).map((a) => a.action)).toEqual(expect.arrayContaining(['two_factor.enrolment_started', 'two_factor.enabled']));
  });

  it('signs in without a second step when two-factor sign-in is off', async () => {
    const clinician = await newClinician(t.db, await newPractice(t.db));
    const { agent, res } = await password(clinician);
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(clinician.id);
    expect((await agent.get('/api/auth/me')).status).toBe(200);
  });

  it('asks for a code after the password, opens no session before it, and accepts each code once', async () => {
    const clinician = await newClinician(t.db, await newPractice(t.db));
    const { secret, first } = await enrol(clinician);

    const { agent, res } = await password(clinician);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ step: 'two-factor' });
    const cookies = String(res.headers['set-cookie']);
    expect(cookies).toMatch(/tandem_sign_in=[A-Za-z0-9_-]{43};/);
    expect(cookies).toContain('HttpOnly');
    expect(cookies).toContain('Path=/api/auth');
    expect(cookies).not.toContain('tandem_session=');
    expect((await agent.get('/api/auth/me')).status).toBe(401);

    const wrong = await agent.post('/api/auth/two-factor').send({ code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_code');
    // The code that confirmed enrolment was used up then: replaying it within its window fails.
    const replayed = await agent.post('/api/auth/two-factor').send({ code: first });
    expect(replayed.status).toBe(401);
    expect(replayed.body.code).toBe('invalid_code');

    const next = await codeFor(secret, 1);
    const ok = await agent.post('/api/auth/two-factor').send({ code: next });
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(clinician.id);
    expect(String(ok.headers['set-cookie'])).toMatch(/tandem_session=/);
    expect((await agent.get('/api/auth/me')).status).toBe(200);

    // The same code a second time, on a new sign-in, within its window: refused.
    const second = await password(clinician);
    const replay = await second.agent.post('/api/auth/two-factor').send({ code: next });
    expect(replay.status).toBe(401);
    expect((await second.agent.get('/api/auth/me')).status).toBe(401);
    // The sign-in cookie was used up by the successful step.
    expect((await agent.post('/api/auth/two-factor').send({ code: next })).body.code).toBe('sign_in_expired');

    const events = await actions(clinician.id);
    expect(events.filter((e) => e.action === 'auth.second_step_failed')).toHaveLength(3);
    expect(events.find((e) => e.action === 'auth.sign_in' && e.detail.secondFactor === 'totp')).toMatchObject({ actor_kind: 'staff' });
    expect(events.find((e) => e.action === 'auth.second_step_failed')).toMatchObject({ actor_kind: 'anonymous' });
  });

  it('accepts a recovery code once, however it is typed', async () => {
    const clinician = await newClinician(t.db, await newPractice(t.db));
    const { recoveryCodes } = await enrol(clinician);
    const code = recoveryCodes[3]!;

    const first = await password(clinician);
    const ok = await first.agent.post('/api/auth/two-factor').send({ code: ` ${code.toUpperCase().replace(/-/g, ' ')} ` });
    expect(ok.status).toBe(200);
    expect((await first.agent.get('/api/account/two-factor')).body.recoveryCodesLeft).toBe(9);

    const second = await password(clinician);
    const used = await second.agent.post('/api/auth/two-factor').send({ code });
    expect(used.status).toBe(401);
    expect(used.body.code).toBe('invalid_code');
    expect((await actions(clinician.id)).find((e) => e.action === 'auth.sign_in' && e.detail.secondFactor === 'recovery_code')).toBeDefined();
  });

  it('limits wrong codes like wrong passwords, and the sign-in cookie expires', async () => {
    const clinician = await newClinician(t.db, await newPractice(t.db));
    const { secret } = await enrol(clinician);
    const { agent } = await password(clinician);
    for (let i = 0; i < 4; i++) expect((await agent.post('/api/auth/two-factor').send({ code: '999999' })).status).toBe(401);
    const blocked = await agent.post('/api/auth/two-factor').send({ code: await codeFor(secret, 1) });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);

    const other = await newClinician(t.db, await newPractice(t.db));
    const enrolled = await enrol(other);
    const late = await password(other);
    await t.db.query(`UPDATE staff_sign_in_challenge SET expires_at = now() - interval '1 second' WHERE staff_user_id = $1`, [other.id]);
    const expired = await late.agent.post('/api/auth/two-factor').send({ code: await codeFor(enrolled.secret, 1) });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('sign_in_expired');
  });

  it('requires two-factor sign-in for everyone once the practice says so: those without it enrol at their next sign-in', async () => {
    const practice = await newPractice(t.db);
    const admin = await newAdmin(t.db, practice);
    const clinician = await newClinician(t.db, practice);
    const adminAgent = await signIn(t, admin);
    const clinicianBefore = await signIn(t, clinician);
    expect((await adminAgent.get('/api/practice/security')).body).toEqual({ requireTwoFactor: false, staffWithoutTwoFactor: 2 });

    const set = await adminAgent.put('/api/practice/security').send({ requireTwoFactor: true });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ requireTwoFactor: true, staffWithoutTwoFactor: 2 });
    expect((await adminAgent.put('/api/practice/security').send({ requireTwoFactor: 'yes' })).status).toBe(400);
    // Sessions already open go on; the requirement applies at the next sign-in.
    expect((await clinicianBefore.get('/api/auth/me')).status).toBe(200);

    const { agent, res } = await password(clinician);
    expect(res.body).toEqual({ step: 'enrol-two-factor' });
    expect((await agent.get('/api/auth/me')).status).toBe(401);
    // An enrolment sign-in cannot skip to the code step.
    expect((await agent.post('/api/auth/two-factor').send({ code: '123456' })).body.code).toBe('sign_in_expired');

    const started = await agent.post('/api/auth/two-factor/enrolment');
    expect(started.status).toBe(200);
    expect(started.body.qrCode).toMatch(/^data:image\/png;base64,/);
    const wrong = await agent.post('/api/auth/two-factor/enrolment/confirm').send({ code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_code');
    const done = await agent.post('/api/auth/two-factor/enrolment/confirm').send({ code: await codeFor(started.body.secret) });
    expect(done.status).toBe(200);
    expect(done.body.me.user.id).toBe(clinician.id);
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect((await agent.get('/api/account/two-factor')).body).toEqual({ enabled: true, required: true, recoveryCodesLeft: 10 });

    // From now on: the code step.
    const next = await password(clinician);
    expect(next.res.body).toEqual({ step: 'two-factor' });
    // And it cannot be turned off while the practice requires it.
    const off = await agent.post('/api/account/two-factor/disable').send({ code: await codeFor(started.body.secret, 1) });
    expect(off.status).toBe(422);
    expect(off.body.code).toBe('two_factor_required');
    expect((await adminAgent.get('/api/practice/security')).body.staffWithoutTwoFactor).toBe(1);
    expect((await actions(admin.id)).find((e) => e.action === 'practice.security_changed')?.detail).toEqual({ requireTwoFactor: true });
  });

  it('turns off with a current code when not required; an admin can reset a colleague who lost their device', async () => {
    const practice = await newPractice(t.db);
    const admin = await newAdmin(t.db, practice);
    const clinician = await newClinician(t.db, practice);
    const { agent, secret } = await enrol(clinician);
    expect((await agent.post('/api/account/two-factor/disable').send({ code: '000000' })).status).toBe(400);
    const off = await agent.post('/api/account/two-factor/disable').send({ code: await codeFor(secret, 1) });
    expect(off.status).toBe(204);
    expect((await password(clinician)).res.body.user.id).toBe(clinician.id);

    const again = await enrol(clinician);
    const adminAgent = await signIn(t, admin);
    const reset = await adminAgent.post(`/api/staff/${clinician.id}/two-factor/reset`);
    expect(reset.status).toBe(204);
    // The reset also ends the colleague's sessions.
    expect((await again.agent.get('/api/auth/me')).status).toBe(401);
    expect((await password(clinician)).res.body.user.id).toBe(clinician.id);
    expect((await actions(admin.id)).map((a) => a.action)).toContain('two_factor.reset');
  });

  it('makes new recovery codes only for a current code; the old ones stop working', async () => {
    const clinician = await newClinician(t.db, await newPractice(t.db));
    const { agent, secret, recoveryCodes } = await enrol(clinician);
    await forgetLastCode(clinician);
    const fresh = await agent.post('/api/account/two-factor/recovery-codes').send({ code: await codeFor(secret) });
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    const old = await password(clinician);
    expect((await old.agent.post('/api/auth/two-factor').send({ code: recoveryCodes[0]! })).status).toBe(401);
    const current = await password(clinician);
    expect((await current.agent.post('/api/auth/two-factor').send({ code: fresh.body.recoveryCodes[0] })).status).toBe(200);
  });
});

