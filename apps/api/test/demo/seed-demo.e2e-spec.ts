import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { seedDemo } from '../../src/demo/seed-demo.js';
import { signIn } from '../support/factories.js';
import { FIELD_CIPHER } from '../../src/encryption/encryption.service.js';

describe('the demo practice', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('gives an admin and two clinicians random passwords that work, and a realistic caseload', async () => {
    const { signIns } = await seedDemo(t.db, t.app.get(FIELD_CIPHER));
    expect(signIns.map((s) => s.roles)).toEqual([['admin'], ['clinician'], ['clinician']]);
    const again = await seedDemo(t.db, t.app.get(FIELD_CIPHER));
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

  it('comes with a few weeks of homework, so the timeline, caseload counts and trend charts show real data', async () => {
    const { signIns } = await seedDemo(t.db, t.app.get(FIELD_CIPHER));
    const [admin, maya] = await Promise.all(signIns.slice(0, 2).map((s) => signIn(t, s)));
    const couples = (await maya!.get('/api/couples')).body.items as Array<{ id: string; displayName: string; homework: { lastActivityAt: string | null } }>;
    const priyaAndDan = couples.find((c) => c.displayName === 'Priya & Dan')!;
    expect(priyaAndDan.homework.lastActivityAt).not.toBeNull();

    const timeline = (await maya!.get('/api/assignments').query({ coupleId: priyaAndDan.id })).body.items;
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ exercise: { title: 'When we miss each other' }, sharing: 'reveal-when-both-done', progress: { done: 4, total: 6 } });
    const detail = (await maya!.get(`/api/assignments/${timeline[0].id}`)).body;
    expect(detail.occurrences[0].members.every((m: { answers: object | null }) => m.answers !== null)).toBe(true);

    const trend = (await maya!.get('/api/assignments/trends').query({ coupleId: priyaAndDan.id })).body.series[0];
    expect(trend.members).toHaveLength(2);
    expect(trend.points.length).toBeGreaterThanOrEqual(4);
    const values = trend.points.map((p: { values: Record<string, number | null> }) => Object.values(p.values));
    expect(new Set(values.flat().filter((v: number | null) => v !== null)).size).toBeGreaterThan(2);

    const clients = (await maya!.get('/api/clients').query({ limit: '100' })).body.items as Array<{ name: string; homework: { overdue: number } | null }>;
    expect(clients.find((c) => c.name === 'Priya Raman')!.homework!.overdue).toBe(1);
    const board = (await admin!.get('/api/caseloads')).body.clinicians as Array<{ overdue: number }>;
    expect(board.some((row) => row.overdue > 0)).toBe(true);
  });
});
