import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newPractice, signIn } from '../support/factories.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('health and me', async () => {
    const health = await t.request().get('/api/health');
    expect(health.status).toBe(200);
    const practice = await newPractice(t.db);
    const admin = await newAdmin(t.db, practice);
    const agent = await signIn(t, admin);
    const me = await agent.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(admin.email);
  });
});
