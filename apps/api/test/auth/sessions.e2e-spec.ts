import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClinician, newPractice, type TestStaff } from '../support/factories.js';

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:130.0) Gecko/20100101 Firefox/130.0';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('sessions page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** Signs in from a given browser; the agent keeps sending that user agent. */
  async function signInWith(staff: TestStaff, userAgent: string) {
    const agent = t.request().set('User-Agent', userAgent);
    const res = await agent.post('/api/auth/login').send({ email: staff.email, password: staff.password });
    expect(res.status).toBe(200);
    return agent;
  }

  it('lists one’s own open sessions with device, address and last activity, and ends any of them', async () => {
    const clinician = await newClinician(t.db, await newPractice(t.db));
    const laptop = await signInWith(clinician, FIREFOX_WINDOWS);
    const phone = await signInWith(clinician, SAFARI_IPHONE);

    const list = await laptop.get('/api/account/sessions');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    const mine = list.body.items.find((s: { current: boolean }) => s.current);
    const other = list.body.items.find((s: { current: boolean }) => !s.current);
    expect(mine.device).toBe('Firefox 130 on Windows 10');
    expect(other.device).toBe('Mobile Safari 17 on iOS 17');
    expect(mine.ip).toMatch(/127\.0\.0\.1/);
    expect(Date.parse(mine.lastActiveAt)).toBeGreaterThan(Date.now() - 60_000);

    const ended = await laptop.delete(`/api/account/sessions/${other.id}`);
    expect(ended.status).toBe(204);
    expect((await phone.get('/api/auth/me')).status).toBe(401);
    expect((await laptop.get('/api/account/sessions')).body.items.map((s: { id: string }) => s.id)).toEqual([mine.id]);
    expect((await laptop.delete(`/api/account/sessions/${other.id}`)).status).toBe(404);

    const events = (await t.db.query(`SELECT action, record_id FROM audit_event WHERE actor_id = $1 AND action = 'auth.session_ended'`, [clinician.id])) as Array<{ record_id: string }>;
    expect(events.map((e) => e.record_id)).toEqual([other.id]);
  });

  it('does not let anyone end or see another person’s session, and hides sessions past their idle timeout', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const colleague = await newClinician(t.db, practice);
    const mine = await signInWith(clinician, FIREFOX_WINDOWS);
    const theirs = await signInWith(colleague, SAFARI_IPHONE);
    const [theirSession] = (await theirs.get('/api/account/sessions')).body.items;
    expect((await mine.delete(`/api/account/sessions/${theirSession.id}`)).status).toBe(404);
    expect((await theirs.get('/api/auth/me')).status).toBe(200);

    const stale = await signInWith(clinician, SAFARI_IPHONE);
    const staleId = (await stale.get('/api/account/sessions')).body.items.find((s: { current: boolean }) => s.current).id;
    await t.db.query(`UPDATE staff_session SET last_seen_at = now() - interval '31 minutes' WHERE id = $1`, [staleId]);
    const ids = (await mine.get('/api/account/sessions')).body.items.map((s: { id: string }) => s.id);
    expect(ids).toHaveLength(1);
    expect(ids).not.toContain(staleId);
  });

  it('pages by keyset', async () => {
    const clinician = await newClinician(t.db, await newPractice(t.db));
    const agents = [await signInWith(clinician, FIREFOX_WINDOWS), await signInWith(clinician, SAFARI_IPHONE), await signInWith(clinician, FIREFOX_WINDOWS)];
    const first = await agents[0]!.get('/api/account/sessions').query({ limit: '2' });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await agents[0]!.get('/api/account/sessions').query({ limit: '2', cursor: first.body.nextCursor });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const all = [...first.body.items, ...second.body.items].map((s: { id: string }) => s.id);
    expect(new Set(all).size).toBe(3);
    expect((await agents[0]!.get('/api/account/sessions').query({ cursor: 'not-a-cursor' })).status).toBe(400);
  });

  it('lets an admin see a colleague’s sessions and end them all; deactivation still ends them too', async () => {
    const practice = await newPractice(t.db);
    const admin = await newAdmin(t.db, practice);
    const clinician = await newClinician(t.db, practice);
    const adminAgent = await signInWith(admin, FIREFOX_WINDOWS);
    const a = await signInWith(clinician, FIREFOX_WINDOWS);
    const b = await signInWith(clinician, SAFARI_IPHONE);

    const listed = await adminAgent.get(`/api/staff/${clinician.id}/sessions`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((s: { device: string }) => s.device).sort()).toEqual(['Firefox 130 on Windows 10', 'Mobile Safari 17 on iOS 17']);
    expect(listed.body.items.every((s: { current: boolean }) => !s.current)).toBe(true);

    const ended = await adminAgent.post(`/api/staff/${clinician.id}/sessions/end`);
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ ended: 2 });
    expect((await a.get('/api/auth/me')).status).toBe(401);
    expect((await b.get('/api/auth/me')).status).toBe(401);
    expect((await adminAgent.get(`/api/staff/${clinician.id}/sessions`)).body.items).toEqual([]);
    const [event] = (await t.db.query(`SELECT detail FROM audit_event WHERE actor_id = $1 AND action = 'auth.sessions_ended'`, [admin.id])) as Array<{ detail: unknown }>;
    expect(event!.detail).toEqual({ count: 2 });

    const c = await signInWith(clinician, SAFARI_IPHONE);
    expect((await adminAgent.post(`/api/staff/${clinician.id}/deactivate`)).status).toBe(200);
    expect((await c.get('/api/auth/me')).status).toBe(401);
    expect((await adminAgent.get(`/api/staff/${clinician.id}/sessions`)).body.items).toEqual([]);
  });
});
