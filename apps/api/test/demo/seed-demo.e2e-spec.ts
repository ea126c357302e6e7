import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { seedDemo } from '../../src/demo/seed-demo.js';
import { signIn } from '../support/factories.js';

describe('the demo practice', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('gives an admin and two clinicians random passwords that work, and a realistic caseload', async () => {
    const { signIns } = await seedDemo(t.db);
    expect(signIns.map((s) => s.roles)).toEqual([['admin'], ['clinician'], ['clinician']]);
    const again = await seedDemo(t.db);
    expect(again.signIns[0]!.password).not.toBe(signIns[0]!.password);

    const [admin, maya, sam] = await Promise.all(again.signIns.map((s) => signIn(t, s)));
    const board = await admin!.get('/api/caseloads');
    expect(board.body.clinicians).toHaveLength(2);
    const total = (await admin!.get('/api/clients').query({ limit: '100' })).body.items.length;
    expect(total).toBe(12);
    expect((await admin!.get('/api/couples')).body.items).toHaveLength(4);
    const mayas = (await maya!.get('/api/clients').query({ limit: '100' })).body.items.length;
    const sams = (await sam!.get('/api/clients').query({ limit: '100' })).body.items.length;
    expect(mayas).toBeGreaterThan(3);
    expect(sams).toBeGreaterThan(3);
    expect(mayas).toBeLessThan(12);
  });
});
