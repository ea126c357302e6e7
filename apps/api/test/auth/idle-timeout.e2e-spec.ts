import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newClinician, newPractice, signIn, type TestStaff } from '../support/factories.js';

/**
 * The staff idle timeout: every request moves the deadline to exactly
 * "now + the setting". Time passes by moving the session's timestamps back.
 */
describe.each([1, 2])('a %i-minute idle timeout', (minutes) => {
  let t: TestApp;
  let clinician: TestStaff;
  const idle = minutes * 60;

  beforeAll(async () => {
    t = await startTestApp({ TANDEM_SESSION_IDLE_MINUTES: String(minutes) });
    clinician = await newClinician(t.db, await newPractice(t.db));
  });
  afterAll(() => t.close());

  /** As if `seconds` had passed for every session of the clinician. */
  const elapse = (seconds: number) =>
    t.db.query(
      `UPDATE staff_session SET created_at = created_at - make_interval(secs => $2), last_seen_at = last_seen_at - make_interval(secs => $2)
        WHERE staff_user_id = $1`,
      [clinician.id, seconds],
    );
  const me = (agent: supertest.Agent) => agent.get('/api/auth/me');

  it('activity keeps the session open for the whole setting after each request, again and again', async () => {
    const agent = await signIn(t, clinician);
    // Active every (setting − 10 s), well past the setting in total: the session stays open.
    for (let i = 0; i < 4; i++) {
      await elapse(idle - 10);
      const res = await me(agent);
      expect(res.status).toBe(200);
      const deadline = Date.parse(res.body.session.idleExpiresAt);
      expect(Math.abs(deadline - (Date.now() + idle * 1000))).toBeLessThan(3000);
    }
  });

  it('a request shortly after another still moves the deadline: no request goes unrecorded', async () => {
    const agent = await signIn(t, clinician);
    await elapse(20);
    expect((await me(agent)).status).toBe(200);
    // The idle time has now passed since sign-in, but not since the last request.
    await elapse(idle - 5);
    const res = await me(agent);
    expect(res.status).toBe(200);
  });

  it('ends the session once the whole setting passes without a request', async () => {
    const agent = await signIn(t, clinician);
    expect((await me(agent)).status).toBe(200);
    await elapse(idle + 1);
    const res = await me(agent);
    expect([res.status, res.body.code]).toEqual([401, 'session_expired']);
    expect((await me(agent)).status).toBe(401);
  });
});
