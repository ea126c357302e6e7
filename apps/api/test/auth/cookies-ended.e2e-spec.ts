import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newPractice, newPortalLink, signIn, TEST_PASSWORD } from '../support/factories.js';

/**
 * Cookies that name nothing any more are ended in the browser, whichever
 * layer decides it: sign-out, the access guard meeting a session that does
 * not exist, a portal link that does not open, portal sign-out.
 */
describe('ended cookies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const ended = (setCookie: unknown, name: string, path: string) => {
    const line = ([] as string[]).concat((setCookie as string[] | string | undefined) ?? []).find((c) => c.startsWith(`${name}=`));
    expect(line).toBeDefined();
    expect(line).toMatch(new RegExp(`^${name}=;`));
    expect(line).toContain(`Path=${path}`);
    expect(line).toMatch(/Expires=Thu, 01 Jan 1970/);
  };
  const token = () => crypto.randomBytes(32).toString('base64url');

  it('sign-out ends the session cookie, and the session with it', async () => {
    const practice = await newPractice(t.db);
    const agent = await signIn(t, await newAdmin(t.db, practice));
    const res = await agent.post('/api/auth/logout');
    expect(res.status).toBe(204);
    ended(res.headers['set-cookie'], 'tandem_session', '/api');
    expect((await agent.get('/api/auth/me')).status).toBe(401);
  });

  it('a session cookie that names no session is ended with the 401; a malformed one is left alone', async () => {
    const unknown = await t.request().get('/api/auth/me').set('cookie', `tandem_session=${token()}`);
    expect(unknown.status).toBe(401);
    ended(unknown.headers['set-cookie'], 'tandem_session', '/api');
    const malformed = await t.request().get('/api/auth/me').set('cookie', 'tandem_session=not-a-token');
    expect(malformed.status).toBe(401);
    expect(malformed.headers['set-cookie']).toBeUndefined();
  });

  it('a portal link that does not open ends the portal cookie; one that opens sets it; portal sign-out ends it', async () => {
    const missing = await t.request().get(`/p/${token()}`);
    expect(missing.status).toBe(303);
    expect(missing.headers.location).toBe('/portal/link-expired');
    ended(missing.headers['set-cookie'], 'tandem_portal', '/api/portal');

    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = t.request();
    const opened = await agent.get(`/p/${await newPortalLink(t.db, client, clinician)}`);
    expect(opened.status).toBe(200);
    expect(String(opened.headers['set-cookie'])).toMatch(/^tandem_portal=[A-Za-z0-9_-]{43};/);
    expect((await agent.get('/api/portal/me')).status).toBe(200);
    const out = await agent.post('/api/portal/sign-out');
    expect(out.status).toBe(204);
    ended(out.headers['set-cookie'], 'tandem_portal', '/api/portal');
    expect((await agent.get('/api/portal/me')).status).toBe(401);
  });

  it('the password step of a two-factor sign-in sets the challenge cookie; the second step ends it as it opens the session', async () => {
    const practice = await newPractice(t.db);
    const admin = await newAdmin(t.db, practice);
    await t.db.query(`UPDATE practice SET require_two_factor = true WHERE id = $1`, [practice.id]);
    const agent = t.request();
    const first = await agent.post('/api/auth/login').send({ email: admin.email, password: TEST_PASSWORD });
    expect(first.body).toEqual({ step: 'enrol-two-factor' });
    expect(String(first.headers['set-cookie'])).toMatch(/^tandem_sign_in=[A-Za-z0-9_-]{43};.*Path=\/api\/auth/);
    const started = await agent.post('/api/auth/two-factor/enrolment');
    expect(started.status).toBe(200);
    const done = await agent.post('/api/auth/two-factor/enrolment/confirm').send({ code: await generate({ secret: started.body.secret }) });
    expect(done.status).toBe(200);
    ended(done.headers['set-cookie'], 'tandem_sign_in', '/api/auth');
    expect(String(done.headers['set-cookie'])).toMatch(/tandem_session=[A-Za-z0-9_-]{43};/);
    expect((await agent.get('/api/auth/me')).status).toBe(200);
  });
});
