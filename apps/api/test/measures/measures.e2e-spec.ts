import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CSI4, GAD7, INSTRUMENTS, PHQ9, type AlertView, type Instrument, type MeasureId, type MeasureSummary, type PortalOccurrence } from '@tandem/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, portalAs, signIn, type TestClient, type TestPractice, type TestStaff } from '../support/factories.js';
import { backdate, day } from '../homework/homework-helpers.js';

/** Answers as the portal sends them: each item's chosen value as its option id. */
const answers = (m: Instrument, values: number[]) => Object.fromEntries(m.items.map((item, i) => [item.id, String(values[i])]));
const repeat = (value: number, times: number) => Array.from({ length: times }, () => value);

describe('outcome measures', () => {
  let t: TestApp;
  let practice: TestPractice;
  let clinician: TestStaff;
  let outsider: TestStaff;
  let admin: TestStaff;

  beforeAll(async () => {
    t = await startTestApp();
    practice = await newPractice(t.db);
    clinician = await newClinician(t.db, practice);
    outsider = await newClinician(t.db, practice);
    admin = await newAdmin(t.db, practice);
  });
  afterAll(() => t.close());

  async function assign(subject: { clientId: string } | { coupleId: string }, measure: MeasureId, extra: object = {}) {
    const res = await (await signIn(t, clinician)).post('/api/measures/assignments').send({ ...subject, measure, dueOn: day(0), ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: string; occurrences: unknown[] };
  }

  const submit = (portal: Awaited<ReturnType<typeof portalAs>>, assignmentId: string, given: object, seq = 1) =>
    portal.post(`/api/portal/assignments/${assignmentId}/occurrences/${seq}/submit`).send({ answers: given, submissionId: crypto.randomUUID() });

  async function takeOnce(client: TestClient, measure: MeasureId, values: number[]) {
    const assigned = await assign({ clientId: client.id }, measure);
    const res = await submit(await portalAs(t, client, clinician), assigned.id, answers(INSTRUMENTS[measure], values));
    expect(res.status).toBe(200);
    return assigned.id;
  }

  const alertsOf = async (clientId: string) =>
    ((await (await signIn(t, clinician)).get(`/api/alerts?clientId=${clientId}`)).body.items as AlertView[]).filter((a) => a.client.id === clientId);

  describe('assigning', () => {
    it('a measure is homework: once, or every N weeks with its occurrences planned N weeks apart', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const every2 = await assign({ clientId: client.id }, 'gad-7', { everyWeeks: 2, count: 3, instructions: 'Every other week, please.' });
      expect(every2.occurrences).toHaveLength(3);
      const dues = (every2.occurrences as Array<{ dueOn: string }>).map((o) => o.dueOn);
      expect(dues).toEqual([day(0), day(14), day(28)]);
      const [row] = await t.db.query(`SELECT measure, every_weeks FROM measure_assignment WHERE assignment_id = $1`, [every2.id]);
      expect(row).toEqual({ measure: 'gad-7', every_weeks: 2 });
      const home = await (await portalAs(t, client, clinician)).get('/api/portal/home');
      expect(home.body.todo.map((i: { title: string }) => i.title)).toContain(GAD7.title);
    });

    it.each([
      [{ measure: 'bdi-2' }, 'measure'],
      [{ measure: 'phq-9', everyWeeks: 13, count: 2 }, 'everyWeeks'],
      [{ measure: 'phq-9', everyWeeks: 0, count: 2 }, 'everyWeeks'],
      [{ measure: 'phq-9', endsOn: day(30) }, 'endsOn'],
      [{ measure: 'phq-9', everyWeeks: 1 }, 'count'],
      [{ measure: 'phq-9', dueOn: day(-1) }, 'dueOn'],
    ])('%j is a 400 naming %s', async (body, field) => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const res = await (await signIn(t, clinician)).post('/api/measures/assignments').send({ clientId: client.id, dueOn: day(0), ...body });
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.fields)).toContain(field);
    });
  });

  describe('answering', () => {
    it('a partial measure is a 400 naming the missing item, and nothing is scored', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const assigned = await assign({ clientId: client.id }, 'phq-9');
      const partial = answers(PHQ9, repeat(1, 9));
      delete partial['phq9-5'];
      const res = await submit(await portalAs(t, client, clinician), assigned.id, partial);
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.fields)).toEqual(['answers.phq9-5']);
      expect(await t.db.query(`SELECT 1 FROM measure_score WHERE client_id = $1`, [client.id])).toHaveLength(0);
    });

    it.each([
      ['phq-9 item 2 answered 4 (0–3)', 'phq-9' as const, { 'phq9-2': '4' }, 'answers.phq9-2'],
      ['CSI-4 item 2 answered 6 (only item 1 goes to 6)', 'csi-4' as const, { 'csi4-2': '6' }, 'answers.csi4-2'],
      ['an answer that is a number, not one of the choices', 'gad-7' as const, { 'gad7-1': 1 }, 'answers.gad7-1'],
    ])('%s is a 400 naming the field', async (_what, measure, wrong, field) => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const assigned = await assign({ clientId: client.id }, measure);
      const m = INSTRUMENTS[measure];
      const res = await submit(await portalAs(t, client, clinician), assigned.id, { ...answers(m, m.items.map(() => 1)), ...wrong });
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.fields)).toEqual([field]);
    });

    it('a complete measure is scored on the server and stored, once, whatever the client sends as a total', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const assignmentId = await takeOnce(client, 'gad-7', [3, 3, 3, 1, 0, 0, 0]);
      const rows = await t.db.query(`SELECT measure, total, seq FROM measure_score WHERE client_id = $1`, [client.id]);
      expect(rows).toEqual([{ measure: 'gad-7', total: 10, seq: 1 }]);
      const scored = await t.db.query(`SELECT detail FROM audit_event WHERE action = 'measure.scored' AND subject_id = $1`, [client.id]);
      expect(scored).toEqual([{ detail: { measure: 'gad-7' } }]);
      await expect(t.db.query(`UPDATE measure_score SET total = 0 WHERE client_id = $1`, [client.id])).rejects.toThrow(/cannot be changed/);
      const view = await (await portalAs(t, client, clinician)).get(`/api/portal/assignments/${assignmentId}/occurrences/1`);
      expect((view.body as PortalOccurrence).measure).toBe('gad-7');
    });
  });

  describe('safety', () => {
    it('PHQ-9 item 9 above 0 raises a high-priority alert whatever the total, naming the answer for the care team', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      await takeOnce(client, 'phq-9', [0, 0, 0, 0, 0, 0, 0, 0, 1]);
      const alerts = await alertsOf(client.id);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.priority).toBe('high');
      expect(alerts[0]!.reasons).toEqual([expect.stringMatching(/question 9.*“Several days”/)]);
      const counts = await (await signIn(t, admin)).get('/api/alerts/counts');
      expect(counts.body.openHigh).toBeGreaterThanOrEqual(1);
      const mail = await t.db.query(`SELECT recipient_id, params FROM delivery WHERE practice_id = $1 AND client_id = $2 AND message_kind = 'safety_alert'`, [practice.id, client.id]);
      expect(mail).toHaveLength(1);
      expect(mail[0].recipient_id).toBe(clinician.id);
      expect(JSON.stringify(mail[0].params)).not.toMatch(/PHQ|question|Several/);
    });

    it.each([
      ['PHQ-9 severe (20) with item 9 at 0', 'phq-9' as const, [3, 3, 3, 3, 2, 2, 2, 2, 0], 'normal', /PHQ-9 total 20: severe/],
      ['GAD-7 severe (15)', 'gad-7' as const, [3, 2, 2, 2, 2, 2, 2], 'normal', /GAD-7 total 15: severe/],
    ])('%s raises an alert', async (_what, measure, values, priority, reason) => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      await takeOnce(client, measure, values);
      const alerts = await alertsOf(client.id);
      expect(alerts.map((a) => a.priority)).toEqual([priority]);
      expect(alerts[0]!.reasons).toEqual([expect.stringMatching(reason)]);
    });

    it.each([
      ['PHQ-9 moderately severe (19), item 9 at 0', 'phq-9' as const, [3, 3, 3, 2, 2, 2, 2, 2, 0]],
      ['GAD-7 moderate (14)', 'gad-7' as const, repeat(2, 7)],
      ['PCL-5 at its maximum (no alert rule)', 'pcl-5' as const, repeat(4, 20)],
    ])('%s raises none', async (_what, measure, values) => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      await takeOnce(client, measure, values);
      expect(await t.db.query(`SELECT 1 FROM alert WHERE client_id = $1`, [client.id])).toHaveLength(0);
    });
  });

  describe('a couple’s CSI-4 over three weeks', () => {
    let a: TestClient;
    let b: TestClient;
    let coupleId: string;
    let summary: MeasureSummary;

    beforeAll(async () => {
      a = await newClient(t.db, practice, { name: 'Avery Stone' });
      b = await newClient(t.db, practice, { name: 'Blake Stone' });
      coupleId = (await newCouple(t.db, practice, { members: [a, b], clinicians: [clinician] })).id;
      const assigned = await assign({ coupleId }, 'csi-4', { everyWeeks: 1, count: 3 });
      await backdate(t.db, assigned.id, 14);
      const portalA = await portalAs(t, a, clinician);
      const portalB = await portalAs(t, b, clinician);
      // Avery: 8 → 11 → 15 (crosses the 13.5 cut-off); Blake: 16 → 16 → 17.
      for (const [seq, av, bv] of [
        [1, [1, 2, 2, 3], [3, 4, 4, 5]],
        [2, [2, 3, 3, 3], [3, 4, 4, 5]],
        [3, [3, 4, 4, 4], [4, 4, 4, 5]],
      ] as const) {
        expect((await submit(portalA, assigned.id, answers(CSI4, [...av]), seq)).status).toBe(200);
        expect((await submit(portalB, assigned.id, answers(CSI4, [...bv]), seq)).status).toBe(200);
      }
      const res = await (await signIn(t, clinician)).get(`/api/measures/summary?coupleId=${coupleId}`);
      expect(res.status).toBe(200);
      summary = res.body;
    });

    it('the couple’s summary has both partners’ lines and the gap on each occasion', () => {
      const lines = summary.series.filter((s) => s.measure === 'csi-4');
      expect(lines.map((s) => [s.person.name, s.points.map((p) => p.total)])).toEqual([
        ['Avery Stone', [8, 11, 15]],
        ['Blake Stone', [16, 16, 17]],
      ]);
      expect(lines[0]!.latest.band.label).toBe('Above the distress cut-off');
      expect(lines[0]!.change).toMatchObject({ delta: 7, improvement: 7, verdict: 'not-computed', crossed: 'out-of-clinical-range' });
      expect(summary.gaps).toEqual([{ measure: 'csi-4', points: [expect.objectContaining({ gap: 8 }), expect.objectContaining({ gap: 5 }), expect.objectContaining({ gap: 2 })] }]);
    });

    it('reading the chart is audited like reading answers', async () => {
      const reads = await t.db.query(`SELECT detail FROM audit_event WHERE action = 'measure.read' AND subject_id = $1`, [coupleId]);
      expect(reads.length).toBeGreaterThanOrEqual(1);
      expect(reads[0].detail).toMatchObject({ view: 'chart', scores: 6 });
    });

    it('scores are listed a page at a time', async () => {
      const agent = await signIn(t, clinician);
      const first = await agent.get(`/api/measures/scores?coupleId=${coupleId}&limit=4`);
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(4);
      const second = await agent.get(`/api/measures/scores?coupleId=${coupleId}&limit=4&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect(second.body.items).toHaveLength(2);
      expect(second.body.nextCursor).toBeNull();
      const ids = [...first.body.items, ...second.body.items].map((s: { id: string }) => s.id);
      expect(new Set(ids).size).toBe(6);
      // A cursor belongs to its list: the same couple filtered to another measure refuses it.
      expect((await agent.get(`/api/measures/scores?coupleId=${coupleId}&measure=phq-9&cursor=${encodeURIComponent(first.body.nextCursor)}`)).status).toBe(400);
    });

    it('a partner never sees the other’s score or answers in the portal', async () => {
      const portalA = await portalAs(t, a, clinician);
      const mine = await portalA.get('/api/portal/measures');
      expect(mine.status).toBe(200);
      expect(mine.body.items.map((s: { total: number }) => s.total)).toEqual([15, 11, 8]);
      const [assignment] = await t.db.query(`SELECT assignment_id FROM measure_assignment ma JOIN assignment x ON x.id = ma.assignment_id WHERE x.couple_id = $1`, [coupleId]);
      const occurrence = (await portalA.get(`/api/portal/assignments/${assignment.assignment_id}/occurrences/3`)).body as PortalOccurrence;
      expect(occurrence.partners).toEqual([{ firstName: 'Blake', done: true, answers: null }]);
      const body = JSON.stringify([mine.body, occurrence]);
      expect(body).not.toMatch(/"total":\s*(16|17)\b/);
    });

    it('the caseload shows each partner’s latest score and which way it moved', async () => {
      const res = await (await signIn(t, clinician)).get(`/api/measures/latest?clientIds=${a.id},${b.id}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({ clientId: [a.id, b.id].sort()[0] }),
        expect.objectContaining({ clientId: [a.id, b.id].sort()[1] }),
      ]);
      const avery = res.body.items.find((i: { clientId: string }) => i.clientId === a.id);
      expect(avery).toMatchObject({ measure: 'csi-4', total: 15, direction: 'better', verdict: 'not-computed' });
      const blake = res.body.items.find((i: { clientId: string }) => i.clientId === b.id);
      expect(blake).toMatchObject({ total: 17, direction: 'better' });
      const outsiders = await (await signIn(t, outsider)).get(`/api/measures/latest?clientIds=${a.id},${b.id}`);
      expect(outsiders.body.items).toEqual([]);
    });
  });

  describe('change since the first score', () => {
    it('a PHQ-9 from 14 to 8 reads as recovered, with its band', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      await takeOnce(client, 'phq-9', [2, 2, 2, 2, 2, 2, 2, 0, 0]);
      await takeOnce(client, 'phq-9', [1, 1, 1, 1, 1, 1, 1, 1, 0]);
      const summary = (await (await signIn(t, clinician)).get(`/api/measures/summary?clientId=${client.id}`)).body as MeasureSummary;
      expect(summary.series).toHaveLength(1);
      expect(summary.series[0]).toMatchObject({ measure: 'phq-9', latest: { total: 8, band: { label: 'Mild' } }, change: { delta: -6, verdict: 'recovered' } });
      expect(summary.gaps).toEqual([]);
    });
  });

  describe('who may read scores', () => {
    let client: TestClient;
    beforeAll(async () => {
      client = await newClient(t.db, practice, { clinicians: [clinician] });
      await takeOnce(client, 'phq-9', [2, 2, 2, 2, 2, 2, 2, 0, 0]);
    });

    it('admins never receive scores: summary, list and latest are refused; the assignment shows no answers', async () => {
      const asAdmin = await signIn(t, admin);
      for (const path of [`/api/measures/summary?clientId=${client.id}`, `/api/measures/scores?clientId=${client.id}`, `/api/measures/latest?clientIds=${client.id}`]) {
        const res = await asAdmin.get(path);
        expect(res.status).toBe(403);
        expect(JSON.stringify(res.body)).not.toMatch(/"total"/);
      }
      const [{ assignment_id }] = await t.db.query(`SELECT assignment_id FROM measure_score WHERE client_id = $1`, [client.id]);
      const detail = await asAdmin.get(`/api/assignments/${assignment_id}`);
      expect(detail.status).toBe(200);
      expect(detail.body.answersVisible).toBe(false);
      expect(detail.body.occurrences[0].members[0].answers).toBeNull();
    });

    it('the admin board gets, per clinician, how many active clients have a measure in the last 30 days, and nothing else', async () => {
      const res = await (await signIn(t, admin)).get('/api/measures/coverage');
      expect(res.status).toBe(200);
      const mine = res.body.clinicians.find((c: { clinicianId: string }) => c.clinicianId === clinician.id);
      const [{ expected }] = await t.db.query(
        `SELECT count(DISTINCT s.client_id)::int AS expected FROM measure_score s JOIN client c ON c.id = s.client_id AND c.status = 'active'
          WHERE s.practice_id = $1 AND s.taken_at >= now() - interval '30 days'`,
        [practice.id],
      );
      expect(mine).toEqual({ clinicianId: clinician.id, clientsMeasured: expected });
      expect(res.body.clinicians.some((c: { clinicianId: string }) => c.clinicianId === outsider.id)).toBe(false);
      expect((await (await signIn(t, clinician)).get('/api/measures/coverage')).status).toBe(403);
    });

    it('a clinician outside the care team, or of another practice, finds nothing (404)', async () => {
      expect((await (await signIn(t, outsider)).get(`/api/measures/summary?clientId=${client.id}`)).status).toBe(404);
      const elsewhere = await newClinician(t.db, await newPractice(t.db));
      expect((await (await signIn(t, elsewhere)).get(`/api/measures/scores?clientId=${client.id}`)).status).toBe(404);
      expect((await (await signIn(t, elsewhere)).post('/api/measures/assignments').send({ clientId: client.id, measure: 'phq-9', dueOn: day(0) })).status).toBe(404);
    });
  });
});
