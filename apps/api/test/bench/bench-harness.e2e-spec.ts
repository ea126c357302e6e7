import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { AttentionCount, AttentionItem, CaseloadBoard, ClientSummary, MeasureSummary, Page, PortalHome, Trends } from '@tandem/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { benchId } from '../../bench/ids.js';
import { countsFor, PER_PRACTICE } from '../../bench/plan.js';
import { prepareActors, type BenchActors } from '../../bench/prepare.js';
import { readEndpoints, submitBody, submitEndpoint } from '../../bench/endpoints.js';
import { startRecording, stopRecording } from '../../bench/recorder.js';
import { replay, submitSwap } from '../../bench/replay.js';
import { BENCH_DATA_KEY, countRows, seedBench } from '../../bench/seed.js';

/**
 * `npm run bench` at its smallest: two practices seeded the way the bench
 * seeds two hundred. The data must be what the plan says and what Tandem
 * itself would have written (valid audit chains, counts that match the
 * answers, ciphertext the app decrypts), and the floor's replay of a
 * recorded submission must do what the app did for another client.
 */
describe('the bench data and its floor', () => {
  let t: TestApp;
  let pool: pg.Pool;
  let actors: BenchActors;
  let seeded: Awaited<ReturnType<typeof countRows>>;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await startTestApp({ TANDEM_DATA_KEY: BENCH_DATA_KEY.toString('base64') });
    pool = new pg.Pool({ connectionString: t.databaseUrl, max: 3 });
    await seedBench(pool, 2, today, () => undefined);
    seeded = await countRows(pool);
    actors = await prepareActors(pool, 2, today, 3);
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await t?.close();
  });

  it('seeds what the plan says, with every audit chain intact and every pending count matching the answers', async () => {
    expect(seeded).toEqual(countsFor(2));
    expect((await pool.query(`SELECT * FROM audit_verify()`)).rows).toEqual([]);
    const { rows } = await pool.query(`
      SELECT o.assignment_id, o.seq FROM assignment_occurrence o
       WHERE o.pending <> (SELECT count(*) FROM assignment_member m WHERE m.practice_id = o.practice_id AND m.assignment_id = o.assignment_id)
                          - (SELECT count(*) FROM response r WHERE r.practice_id = o.practice_id AND r.assignment_id = o.assignment_id
                              AND r.seq = o.seq AND r.status = 'submitted')`);
    expect(rows).toEqual([]);
  });

  it('gives each benchmarked page real content, read through Tandem itself', async () => {
    const get = async <T>(name: string) => {
      const spec = readEndpoints(actors).find((e) => e.name === name)!.spec;
      const res = await t.request().get(spec.path).set(spec.headers!);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      return res.body as T;
    };
    const caseload = await get<Page<ClientSummary>>('caseload');
    // Clinician 1 has every tenth client, and the members of every tenth couple.
    expect(caseload.items).toHaveLength(30);
    const client = caseload.items.find((c) => c.id === actors.clientId)!;
    expect(client.homework).toMatchObject({ dueThisWeek: 1, overdue: 1 });
    expect((await get<Page<unknown>>('timeline')).items).toHaveLength(PER_PRACTICE.clientAssignments);
    const trends = await get<Trends>('trends');
    expect(trends.series.length).toBeGreaterThan(0);
    expect(trends.series.every((s) => s.points.length >= 7)).toBe(true);
    const home = await get<PortalHome>('portal-home');
    expect(home.todo.map((i) => i.status).sort()).toEqual(['in-progress', 'overdue']);
    expect(home.done).toHaveLength(10);
    const board = await get<CaseloadBoard>('caseload-board');
    expect(board.clinicians).toHaveLength(PER_PRACTICE.clinicians);
    expect(board.clinicians.every((c) => c.activeClients === PER_PRACTICE.clients / PER_PRACTICE.clinicians)).toBe(true);
    const audit = await get<Page<{ subject: { id: string } }>>('audit');
    expect(audit.items).toHaveLength(50);
    expect(audit.items.every((e) => e.subject.id === actors.clientId)).toBe(true);
    const notes = await get<Page<unknown>>('notes');
    expect(notes.items).toHaveLength(50);
    expect(notes.nextCursor).not.toBeNull();
    // The clinician's queue: two weeks of unreviewed answers, overdue week-8 homework, last week's unsigned notes,
    // and subjects whose latest session came after their latest assignment.
    // Clinician 1 has five couples (three new answers each: week 7 from both, week 8 from one) and homework client 100 (one).
    const attention = await get<Page<AttentionItem>>('attention');
    const count = await get<AttentionCount>('attention-count');
    expect(count).toEqual({ total: 25, capped: false, byKind: { 'answers-submitted': 16, 'homework-overdue': 6, 'nothing-assigned': 2, 'draft-note': 1, 'emergency-access': 0 }, practice: null });
    expect(attention.items).toHaveLength(25);
    expect(attention.items.filter((i) => i.kind === 'answers-submitted').every((i) => Date.parse(i.at) > Date.now() - 15 * 86_400_000)).toBe(true);
    // Another client's year of measures: PHQ-9 every two weeks, GAD-7 every four, improving.
    const measures = await get<MeasureSummary>('measures');
    expect(measures.series.map((s) => [s.measure, s.points.length])).toEqual([
      ['gad-7', 13],
      ['phq-9', 26],
    ]);
    expect(measures.series.every((s) => s.points[s.points.length - 1]!.total < s.points[0]!.total)).toBe(true);
  });

  it('replays a recorded submission for another client exactly as Tandem would have stored it', async () => {
    const [template, other] = actors.submit.targets;
    const spec = submitEndpoint(actors, 0).spec;
    const call = spec.vary!(0);
    startRecording();
    const res = await t.request().post(call.path!).set({ ...spec.headers, ...call.headers }).send(call.body!);
    const queries = stopRecording();
    expect(res.status).toBe(200);
    const stored = async (assignmentId: string) =>
      (
        await pool.query(
          `SELECT r.id, r.submission_id, r.status, o.pending FROM response r
             JOIN assignment_occurrence o ON o.practice_id = r.practice_id AND o.assignment_id = r.assignment_id AND o.seq = r.seq
            WHERE r.assignment_id = $1`,
          [assignmentId],
        )
      ).rows as Array<{ id: string; submission_id: string; status: string; pending: number }>;
    const [first] = await stored(template!.assignmentId);
    expect(first).toMatchObject({ status: 'submitted', pending: 0 });

    const swap = submitSwap({ queries, target: template!, responseId: first!.id, submissionId: first!.submission_id }, other!);
    await replay(pool, queries, swap);
    const [second] = await stored(other!.assignmentId);
    expect(second).toMatchObject({ status: 'submitted', pending: 0 });
    expect(second!.id).not.toBe(first!.id);
    const events = (await pool.query(`SELECT actor_id, record_id FROM audit_event WHERE action = 'response.submitted' AND record_id = $1`, [other!.assignmentId])).rows;
    expect(events).toEqual([{ actor_id: other!.clientId, record_id: other!.assignmentId }]);
    expect((await pool.query(`SELECT * FROM audit_verify()`)).rows).toEqual([]);
    // The body the floor is sent is a valid submission too.
    expect(JSON.parse(submitBody(actors, benchId('submission', 0)))).toMatchObject({ answers: actors.submit.answers });

    // The prepared floor stores a third client's submission the same way.
    const third = actors.submit.targets[2]!;
    await replay(pool, queries, submitSwap({ queries, target: template!, responseId: first!.id, submissionId: first!.submission_id }, third), true);
    expect((await stored(third.assignmentId))[0]).toMatchObject({ status: 'submitted', pending: 0 });
    expect((await pool.query(`SELECT * FROM audit_verify()`)).rows).toEqual([]);
  });

  it('the prepared floor reads the same rows as the replay floor, for every page', async () => {
    for (const e of readEndpoints(actors)) {
      startRecording();
      const res = await t.request().get(e.spec.path).set(e.spec.headers!);
      const queries = stopRecording();
      expect({ name: e.name, status: res.status }).toEqual({ name: e.name, status: 200 });
      expect(queries.length).toBeGreaterThan(0);
      const reads = queries.filter((q) => /^\s*(SELECT|WITH)\b/i.test(q.text));
      // Twice prepared: a connection that ran the first binds the statements it prepared then.
      // The session look-up answers with the moment it moved the idle deadline: the one value that differs run to run.
      const rows = async (prepared: boolean) => JSON.parse(JSON.stringify(await replay(pool, reads, undefined, prepared), (k, v: unknown) => (k === 'touched_at' ? 'moved' : v))) as unknown;
      const asSent = await rows(false);
      expect(await rows(true)).toEqual(asSent);
      expect(await rows(true)).toEqual(asSent);
    }
  });
});
