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

    // Measures are homework too; this looks at the exercises.
    const timeline = (await maya!.get('/api/assignments').query({ coupleId: priyaAndDan.id })).body.items.filter((a: { exercise: { id: string } }) => !a.exercise.id.startsWith('measure:'));
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

  it('comes with a few months of outcome measures: a couple’s CSI-4 with both lines and the gap, and a PHQ-9 that has changed', async () => {
    const { signIns } = await seedDemo(t.db, t.app.get(FIELD_CIPHER));
    const [admin, maya] = await Promise.all(signIns.slice(0, 2).map((s) => signIn(t, s)));
    const couples = (await maya!.get('/api/couples')).body.items as Array<{ id: string; displayName: string }>;
    const couple = (await maya!.get('/api/measures/summary').query({ coupleId: couples.find((c) => c.displayName === 'Priya & Dan')!.id })).body;
    const csi = couple.series.filter((s: { measure: string }) => s.measure === 'csi-4');
    expect(csi).toHaveLength(2);
    expect(csi.every((s: { points: unknown[] }) => s.points.length >= 6)).toBe(true);
    expect(couple.gaps[0].points.length).toBeGreaterThanOrEqual(6);
    const days = couple.series.flatMap((s: { points: Array<{ takenAt: string }> }) => s.points.map((p) => Date.parse(p.takenAt)));
    expect(Math.max(...days) - Math.min(...days)).toBeGreaterThan(60 * 86_400_000);
    expect(Math.max(...days)).toBeLessThanOrEqual(Date.now());

    const clients = (await maya!.get('/api/clients').query({ limit: '100' })).body.items as Array<{ id: string; name: string }>;
    const grace = (await maya!.get('/api/measures/summary').query({ clientId: clients.find((c) => c.name === 'Grace Liu')!.id })).body;
    expect(grace.series.find((s: { measure: string }) => s.measure === 'phq-9')).toMatchObject({ latest: { total: 8, band: { label: 'Mild' } }, change: { verdict: 'recovered' } });
    const coverage = (await admin!.get('/api/measures/coverage')).body.clinicians as Array<{ clientsMeasured: number }>;
    expect(coverage.reduce((sum, c) => sum + c.clientsMeasured, 0)).toBeGreaterThan(0);
  });
});
