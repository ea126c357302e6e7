import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AttentionCount, AttentionItem, AttentionKind, Page } from '@tandem/shared';
import { beforeCursor, type AttentionSource } from '../../src/attention/attention-sources.js';
import type supertest from 'supertest';
import { AttentionService } from '../../src/attention/attention.service.js';
import type { StaffActor } from '../../src/access/actor.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, newStaff, portalAs, signIn, type TestClient, type TestPractice, type TestStaff } from '../support/factories.js';
import { backdate, day, missEachOtherAnswers, smallActsAnswers } from '../homework/homework-helpers.js';

const MARKER = 'the blue kettle on the stairs';

describe('the attention queue', () => {
  let t: TestApp;
  let practice: TestPractice;

  beforeAll(async () => {
    t = await startTestApp();
    practice = await newPractice(t.db);
  });
  afterAll(() => t.close());

  const queue = async (agent: supertest.Agent, query: Record<string, string> = {}) => {
    const res = await agent.get('/api/attention').query(query);
    expect(res.status).toBe(200);
    return res.body as Page<AttentionItem>;
  };
  const count = async (agent: supertest.Agent) => {
    const res = await agent.get('/api/attention/count');
    expect(res.status).toBe(200);
    return res.body as AttentionCount;
  };
  const ofKind = <K extends AttentionItem['kind']>(page: Page<AttentionItem>, kind: K) =>
    page.items.filter((i): i is Extract<AttentionItem, { kind: K }> => i.kind === kind);

  async function assignOnce(agent: supertest.Agent, subject: { clientId: string } | { coupleId: string }, dueIn = 2) {
    const couple = 'coupleId' in subject;
    const res = await agent.post('/api/assignments').send({
      ...subject,
      exerciseId: couple ? 'builtin:when-we-miss-each-other' : 'builtin:small-acts-of-care',
      instructions: 'Before next week.',
      dueOn: day(dueIn),
      ...(couple ? { recurrence: 'once', sharing: 'private' } : { recurrence: 'weekly', count: 1 }),
    });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  }

  async function submit(client: TestClient | { id: string; practiceId: string }, issuer: TestStaff, assignmentId: string, answers: object) {
    const portal = await portalAs(t, client, issuer);
    const res = await portal.post(`/api/portal/assignments/${assignmentId}/occurrences/1/submit`).send({ answers, submissionId: crypto.randomUUID() });
    expect(res.status).toBe(200);
  }

  describe('sources', () => {
    it('answers submitted and not yet reviewed: the care team’s clients and couples, newest first, without the answers', async () => {
      const maya = await newClinician(t.db, practice);
      const outsider = await newClinician(t.db, practice);
      const admin = await newAdmin(t.db, practice);
      const ruth = await newClient(t.db, practice, { name: 'Ruth Abara', clinicians: [maya] });
      const couple = await newCouple(t.db, practice, { clinicians: [maya], displayName: 'Lena & Tom' });
      const desk = await signIn(t, maya);
      const single = await assignOnce(desk, { clientId: ruth.id });
      const together = await assignOnce(desk, { coupleId: couple.id });
      await submit(ruth, maya, single.id, smallActsAnswers(6, MARKER));
      await submit({ id: couple.memberIds[0]!, practiceId: practice.id }, maya, together.id, missEachOtherAnswers(4, MARKER));
      await submit({ id: couple.memberIds[1]!, practiceId: practice.id }, maya, together.id, missEachOtherAnswers(8, MARKER));

      const page = await queue(desk);
      const answers = ofKind(page, 'answers-submitted');
      expect(answers.map((i) => [i.subject.name, i.client.id])).toEqual([
        ['Lena & Tom', couple.memberIds[1]],
        ['Lena & Tom', couple.memberIds[0]],
        ['Ruth Abara', ruth.id],
      ]);
      expect(answers[2]).toMatchObject({
        subject: { kind: 'client', id: ruth.id, name: 'Ruth Abara' },
        assignmentId: single.id,
        seq: 1,
        exerciseTitle: 'Small acts of care (daily)',
        client: { id: ruth.id, name: 'Ruth Abara' },
      });
      expect(answers[0]!.subject).toEqual({ kind: 'couple', id: couple.id, name: 'Lena & Tom' });
      const times = page.items.map((i) => i.at);
      expect([...times].sort().reverse()).toEqual(times);
      expect(JSON.stringify(page)).not.toContain(MARKER);

      // Nobody else's queue shows them: not a colleague outside the care team, not an admin.
      expect(ofKind(await queue(await signIn(t, outsider)), 'answers-submitted')).toEqual([]);
      const asAdmin = await signIn(t, admin);
      const adminPage = await queue(asAdmin);
      expect(adminPage.items).toEqual([]);
      const adminCount = await count(asAdmin);
      expect(adminCount.total).toBe(0);
      // Admins see how much waits across the practice, as counts only.
      expect(adminCount.practice!.answersAwaitingReview).toBeGreaterThanOrEqual(3);
      expect(JSON.stringify(adminPage)).not.toContain(MARKER);
      expect((await count(desk)).practice).toBeNull();
      expect((await count(desk)).byKind['answers-submitted']).toBe(3);
    });

    it('an admin who is also a clinician sees their own care teams and nobody else’s answers', async () => {
      const owner = await newStaff(t.db, practice, { roles: ['admin', 'clinician'] });
      const colleague = await newClinician(t.db, practice);
      const own = await newClient(t.db, practice, { clinicians: [owner] });
      const theirs = await newClient(t.db, practice, { clinicians: [colleague] });
      const a = await assignOnce(await signIn(t, owner), { clientId: own.id });
      const b = await assignOnce(await signIn(t, colleague), { clientId: theirs.id });
      await submit(own, owner, a.id, smallActsAnswers(5, MARKER));
      await submit(theirs, colleague, b.id, smallActsAnswers(5, MARKER));
      const page = await queue(await signIn(t, owner));
      expect(ofKind(page, 'answers-submitted').map((i) => i.subject.id)).toEqual([own.id]);
      expect(JSON.stringify(page)).not.toContain(MARKER);
    });

    it('homework overdue: an open occurrence past its due date, until it is submitted or cancelled', async () => {
      const maya = await newClinician(t.db, practice);
      const sam = await newClient(t.db, practice, { name: 'Sam Idowu', clinicians: [maya] });
      const desk = await signIn(t, maya);
      const late = await assignOnce(desk, { clientId: sam.id }, 1);
      await backdate(t.db, late.id, 3);
      const dropped = await assignOnce(desk, { clientId: sam.id }, 1);
      await backdate(t.db, dropped.id, 5);

      const overdue = ofKind(await queue(desk), 'homework-overdue');
      expect(overdue.map((i) => [i.assignmentId, i.dueOn, i.at])).toEqual([
        [late.id, day(-2), `${day(-1)}T00:00:00.000000Z`],
        [dropped.id, day(-4), `${day(-3)}T00:00:00.000000Z`],
      ]);
      expect(overdue[0]).toMatchObject({ subject: { kind: 'client', id: sam.id, name: 'Sam Idowu' }, seq: 1, exerciseTitle: 'Small acts of care (daily)' });

      await submit(sam, maya, late.id, smallActsAnswers(7));
      const detail = (await desk.get(`/api/assignments/${dropped.id}`)).body as { version: number };
      expect((await desk.post(`/api/assignments/${dropped.id}/cancel`).send({ version: detail.version })).status).toBe(200);
      const after = await queue(desk);
      expect(ofKind(after, 'homework-overdue')).toEqual([]);
      expect(ofKind(after, 'answers-submitted').map((i) => i.assignmentId)).toEqual([late.id]);
    });

    it('nothing assigned since the last note: until homework is given; not for discharged clients', async () => {
      const maya = await newClinician(t.db, practice);
      const ana = await newClient(t.db, practice, { name: 'Ana Lind', clinicians: [maya] });
      const gone = await newClient(t.db, practice, { clinicians: [maya] });
      const desk = await signIn(t, maya);
      const note = await desk.post('/api/notes').send({ clientId: ana.id, sessionDate: day(0), format: 'SOAP', kind: 'progress' });
      expect(note.status).toBe(201);
      await desk.post('/api/notes').send({ clientId: gone.id, sessionDate: day(0), format: 'SOAP', kind: 'progress' });
      await t.db.query(`UPDATE client SET status = 'discharged', discharged_at = now() WHERE id = $1`, [gone.id]);

      expect(ofKind(await queue(desk), 'nothing-assigned')).toEqual([
        expect.objectContaining({ subject: { kind: 'client', id: ana.id, name: 'Ana Lind' }, noteId: note.body.id, sessionDate: day(0) }),
      ]);
      await assignOnce(desk, { clientId: ana.id });
      expect(ofKind(await queue(desk), 'nothing-assigned')).toEqual([]);
    });

    it('draft notes older than a day: only the author’s own, gone once signed', async () => {
      const maya = await newClinician(t.db, practice);
      const cotherapist = await newClinician(t.db, practice);
      const kim = await newClient(t.db, practice, { name: 'Kim Osei', clinicians: [maya, cotherapist] });
      const desk = await signIn(t, maya);
      const old = (await desk.post('/api/notes').send({ clientId: kim.id, sessionDate: day(-3), format: 'SOAP', kind: 'progress' })).body as { id: string; version: number };
      const fresh = (await desk.post('/api/notes').send({ clientId: kim.id, sessionDate: day(0), format: 'SOAP', kind: 'progress' })).body as { id: string };
      const theirs = (await (await signIn(t, cotherapist)).post('/api/notes').send({ clientId: kim.id, sessionDate: day(-3), format: 'SOAP', kind: 'progress' })).body as { id: string };
      await t.db.query(`UPDATE session_note SET created_at = now() - interval '3 days' WHERE id = ANY($1)`, [[old.id, theirs.id]]);

      const drafts = ofKind(await queue(desk), 'draft-note');
      expect(drafts.map((d) => d.noteId)).toEqual([old.id]);
      expect(drafts[0]).toMatchObject({ subject: { kind: 'client', id: kim.id, name: 'Kim Osei' }, sessionDate: day(-3) });
      expect(drafts.map((d) => d.noteId)).not.toContain(fresh.id);

      await desk.patch(`/api/notes/${old.id}`).send({ version: old.version, sections: { subjective: 'Talked.' } });
      const current = (await desk.get(`/api/notes/${old.id}`)).body as { version: number };
      expect((await desk.post(`/api/notes/${old.id}/sign`).send({ version: current.version })).status).toBe(200);
      expect(ofKind(await queue(desk), 'draft-note')).toEqual([]);
    });
  });

  describe('mark reviewed', () => {
    let maya: TestStaff;
    let client: TestClient;
    let responseId: string;
    let assignmentId: string;

    beforeAll(async () => {
      maya = await newClinician(t.db, practice);
      client = await newClient(t.db, practice, { clinicians: [maya] });
      const desk = await signIn(t, maya);
      assignmentId = (await assignOnce(desk, { clientId: client.id })).id;
      await submit(client, maya, assignmentId, smallActsAnswers(6));
      [{ id: responseId }] = await t.db.query(`SELECT id FROM response WHERE assignment_id = $1`, [assignmentId]);
    });

    it('is audited once, idempotent under repeats and races, and takes the answers off the queue and its count', async () => {
      const desk = await signIn(t, maya);
      expect((await count(desk)).byKind['answers-submitted']).toBe(1);
      const [first, racing] = await Promise.all([desk.post(`/api/responses/${responseId}/review`), desk.post(`/api/responses/${responseId}/review`)]);
      expect([first.status, racing.status]).toEqual([200, 200]);
      expect(first.body).toEqual({ responseId, reviewedAt: expect.any(String), reviewedBy: { id: maya.id, name: maya.name } });
      expect(racing.body).toEqual(first.body);
      const again = await desk.post(`/api/responses/${responseId}/review`);
      expect(again.body).toEqual(first.body);

      const events = await t.db.query(`SELECT actor_id, record_type, subject_id FROM audit_event WHERE action = 'response.reviewed' AND record_id = $1`, [responseId]);
      expect(events).toEqual([{ actor_id: maya.id, record_type: 'response', subject_id: client.id }]);
      expect(ofKind(await queue(desk), 'answers-submitted')).toEqual([]);
      expect((await count(desk)).total).toBe(0);
      const detail = (await desk.get(`/api/assignments/${assignmentId}`)).body as { occurrences: Array<{ members: Array<{ responseId: string; reviewedAt: string }> }> };
      expect(detail.occurrences[0]!.members[0]).toMatchObject({ responseId, reviewedAt: first.body.reviewedAt });
    });

    it('another practice, a colleague outside the care team and unknown ids get 404; an admin 403; a draft 422', async () => {
      const elsewhere = await newPractice(t.db);
      const stranger = await newClinician(t.db, elsewhere);
      const outsider = await newClinician(t.db, practice);
      const admin = await newAdmin(t.db, practice);
      const other = await newClient(t.db, practice, { clinicians: [maya] });
      const desk = await signIn(t, maya);
      const fresh = await assignOnce(desk, { clientId: other.id });
      await submit(other, maya, fresh.id, smallActsAnswers(3));
      const [{ id }] = await t.db.query(`SELECT id FROM response WHERE assignment_id = $1`, [fresh.id]);

      expect((await (await signIn(t, stranger)).post(`/api/responses/${id}/review`)).status).toBe(404);
      expect((await (await signIn(t, outsider)).post(`/api/responses/${id}/review`)).status).toBe(404);
      expect((await (await signIn(t, admin)).post(`/api/responses/${id}/review`)).status).toBe(403);
      expect((await desk.post(`/api/responses/${crypto.randomUUID()}/review`)).status).toBe(404);
      expect((await desk.post(`/api/responses/not-an-id/review`)).status).toBe(404);
      const [{ reviewed_at }] = await t.db.query(`SELECT reviewed_at FROM response WHERE id = $1`, [id]);
      expect(reviewed_at).toBeNull();

      const drafting = await assignOnce(desk, { clientId: other.id });
      const portal = await portalAs(t, other, maya);
      const draft = await portal.put(`/api/portal/assignments/${drafting.id}/occurrences/1/draft`).send({ answers: { act: 'helped' }, version: 0 });
      expect(draft.status).toBe(200);
      const [{ id: draftId }] = await t.db.query(`SELECT id FROM response WHERE assignment_id = $1`, [drafting.id]);
      const refused = await desk.post(`/api/responses/${draftId}/review`);
      expect(refused.status).toBe(422);
      expect(refused.body.message).toMatch(/still a draft/);
    });

    it('the database lets a submitted response be marked reviewed once, and nothing else change with it', async () => {
      await expect(t.db.query(`UPDATE response SET reviewed_at = now() WHERE id = $1`, [responseId])).rejects.toThrow(/cannot be changed/);
      const other = await newClient(t.db, practice, { clinicians: [maya] });
      const desk = await signIn(t, maya);
      const a = await assignOnce(desk, { clientId: other.id });
      await submit(other, maya, a.id, smallActsAnswers(2));
      await expect(t.db.query(`UPDATE response SET reviewed_at = now(), answers_enc = '\\x00' WHERE assignment_id = $1`, [a.id])).rejects.toThrow(/cannot be changed/);
    });
  });

  describe('pages and cost', () => {
    /** A clinician with one client and `n` draft notes of their own, started more than a day ago (two share a time). */
    async function withDrafts(n: number) {
      const clinician = await newClinician(t.db, practice);
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      await t.db.query(
        `INSERT INTO session_note (practice_id, client_id, author_id, session_date, format, kind, key_id, sections_enc, created_at)
         SELECT $1, $2, $3, current_date - 2, 'free', 'progress', 'unused', '\\x00', now() - interval '2 days' - make_interval(mins => greatest(i, 2))
           FROM generate_series(1, $4) AS i`,
        [practice.id, client.id, clinician.id, n],
      );
      return { clinician, client };
    }

    it('keyset pages: every item once, newest first, ties included; a bad cursor is a 400', async () => {
      const { clinician } = await withDrafts(8);
      const desk = await signIn(t, clinician);
      const all = await queue(desk, { limit: '50' });
      expect(all.items).toHaveLength(9);
      expect(all.nextCursor).toBeNull();
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page<AttentionItem> = await queue(desk, { limit: '3', ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((i) => i.key));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(all.items.map((i) => i.key));

      const cursor64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      for (const bad of [
        'nonsense',
        cursor64([0, '2026-02-31T00:00:00.000000Z', 'x']),
        cursor64([0.5, '2026-02-01T00:00:00.000000Z', 'x']),
        cursor64(['2026-02-01T00:00:00.000000Z', 'x']),
        cursor64([1, 2, 3]),
      ]) {
        const res = await desk.get('/api/attention').query({ cursor: bad });
        expect(res.status).toBe(400);
        expect(res.body.fields.cursor).toMatch(/not a cursor/);
      }
      expect((await desk.get('/api/attention').query({ limit: '0' })).status).toBe(400);
    });

    it('a source ranked above the others (as safety alerts will be) comes first whatever its times, and pages cross from it to the rest', async () => {
      const { clinician } = await withDrafts(4);
      const service = t.app.get(AttentionService);
      const alerts: AttentionSource = {
        kind: 'test-alert' as AttentionKind,
        audience: 'clinician',
        rank: 1,
        sql: `
          SELECT 'test-alert' AS kind, now() - make_interval(days => 30 + g) AS at, 'test-alert:' || lpad(g::text, 4, '0') AS key,
                 'client' AS subject_kind, m.client_id AS subject_id, 'Someone' AS subject_name, '{}'::jsonb AS data
            FROM mine m, generate_series(1, 5) g
           WHERE m.client_id IS NOT NULL AND ${beforeCursor(`now() - make_interval(days => 30 + g)`, `'test-alert:' || lpad(g::text, 4, '0')`)}`,
        item: (row) => ({ kind: row.kind, key: row.key, at: row.at }) as unknown as AttentionItem,
      };
      const original = service.sources;
      service.sources = [...original, alerts];
      try {
        const desk = await signIn(t, clinician);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: Page<AttentionItem> = await queue(desk, { limit: '3', ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((i) => i.key));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen.slice(0, 5)).toEqual(['test-alert:0001', 'test-alert:0002', 'test-alert:0003', 'test-alert:0004', 'test-alert:0005']);
        expect(seen).toHaveLength(10);
        expect(new Set(seen).size).toBe(10);
        service.sources = original;
        expect(seen.slice(5)).toEqual((await queue(desk)).items.map((i) => i.key));
      } finally {
        service.sources = original;
      }
    });

    it('the navigation count is exact up to 99, then says so', async () => {
      const { clinician } = await withDrafts(130);
      const counted = await count(await signIn(t, clinician));
      expect(counted).toMatchObject({ total: 99, capped: true });
      expect(counted.byKind['draft-note']).toBe(99);
      const few = await withDrafts(4);
      expect(await count(await signIn(t, few.clinician))).toEqual({
        total: 5,
        capped: false,
        byKind: { 'answers-submitted': 0, 'homework-overdue': 0, 'nothing-assigned': 1, 'draft-note': 4, 'emergency-access': 0 },
        practice: null,
      });
    });

    it('a large caseload on tables the planner has no statistics for costs a few index probes per person, not a scan of the practice each', async () => {
      const clinician = await newClinician(t.db, practice);
      const clients: Array<{ id: string }> = await t.db.query(
        `INSERT INTO client (practice_id, name) SELECT $1, 'Caseload ' || g FROM generate_series(1, 200) g RETURNING id`,
        [practice.id],
      );
      const ids = clients.map((c) => c.id);
      await t.db.query(
        `INSERT INTO care_team_member (practice_id, client_id, staff_user_id, role) SELECT $1, c, $2, 'primary' FROM unnest($3::uuid[]) c`,
        [practice.id, clinician.id, ids],
      );
      await t.db.query(
        `INSERT INTO session_note (practice_id, client_id, author_id, session_date, format, kind, key_id, sections_enc)
         SELECT $1, c, $2, current_date - 1, 'free', 'progress', 'unused', '\\x00' FROM unnest($3::uuid[]) c`,
        [practice.id, clinician.id, ids],
      );
      const page = t.app.get(AttentionService).pageStatement(
        { kind: 'staff', userId: clinician.id, practiceId: practice.id, roles: ['clinician'], sessionId: 'explain', requestId: 'explain', ip: '127.0.0.1' },
        null,
        51,
      )!;
      const [row] = await t.db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${page.sql}`, page.params);
      const [{ Plan }] = row['QUERY PLAN'] as Array<{ Plan: Record<string, number> }>;
      expect(Plan['Shared Hit Blocks']! + Plan['Shared Read Blocks']!).toBeLessThan(200 * 40);
      expect((await queue(await signIn(t, clinician))).items).toHaveLength(50);
    });

    it('a page reads the same buffers with 10 or 10,000 items in the queue (EXPLAIN ANALYZE on a seeded set)', async () => {
      const service = t.app.get(AttentionService);
      const actorOf = (clinician: TestStaff): StaffActor => ({
        kind: 'staff',
        userId: clinician.id,
        practiceId: practice.id,
        roles: ['clinician'],
        sessionId: 'explain',
        requestId: 'explain',
        ip: '127.0.0.1',
      });

      /** `assignments × per` answered occurrences awaiting review for the client, and as many overdue ones. */
      async function grow(clinician: TestStaff, client: TestClient, assignments: number, per: number) {
        for (const answered of [true, false]) {
          const ids: Array<{ id: string }> = await t.db.query(
            `INSERT INTO assignment (practice_id, client_id, exercise_ref, exercise_version, exercise, recurrence, occurrence_count, assigned_by, created_at)
             SELECT $1, $2, 'builtin:bulk', 1, '{"title": "Bulk"}', 'daily', $3, $4, now() - interval '2 years' FROM generate_series(1, $5) RETURNING id`,
            [practice.id, client.id, per, clinician.id, assignments],
          );
          const list = ids.map((r) => r.id);
          await t.db.query(`INSERT INTO assignment_member (practice_id, assignment_id, client_id) SELECT $1, a, $2 FROM unnest($3::uuid[]) a`, [practice.id, client.id, list]);
          await t.db.query(
            `INSERT INTO assignment_occurrence (practice_id, assignment_id, seq, client_id, opens_on, due_on, pending)
             SELECT $1, a, s, $2, current_date - 400 + s, current_date - 400 + s, $4 FROM unnest($3::uuid[]) a, generate_series(1, $5) s`,
            [practice.id, client.id, list, answered ? 0 : 1, per],
          );
          if (answered) {
            await t.db.query(
              `INSERT INTO response (practice_id, assignment_id, seq, client_id, status, key_id, answers_enc, submission_id, submitted_at)
               SELECT $1, a, s, $2, 'submitted', 'unused', '\\x00', gen_random_uuid(), now() - make_interval(days => 400 - s, secs => random() * 3600)
                 FROM unnest($3::uuid[]) a, generate_series(1, $4) s`,
              [practice.id, client.id, list, per],
            );
          }
        }
        await t.db.query('ANALYZE');
      }

      /** Buffers read by the statement behind a first page of ten. */
      async function firstPage(clinician: TestStaff): Promise<{ buffers: number; plan: string }> {
        const page = service.pageStatement(actorOf(clinician), null, 11)!;
        await t.db.query(page.sql, page.params);
        const [row] = await t.db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${page.sql}`, page.params);
        const [{ Plan }] = row['QUERY PLAN'] as Array<{ Plan: Record<string, number> }>;
        return { buffers: (Plan['Shared Hit Blocks'] ?? 0) + (Plan['Shared Read Blocks'] ?? 0), plan: JSON.stringify(row['QUERY PLAN']) };
      }

      // A busy colleague fills the tables; then our clinician's queue goes from 20 items to 2,020 and 10,020.
      const colleague = await newClinician(t.db, practice);
      await grow(colleague, await newClient(t.db, practice, { clinicians: [colleague] }), 50, 100);
      const clinician = await newClinician(t.db, practice);
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      await grow(clinician, client, 1, 10);
      const small = await firstPage(clinician);
      expect((await count(await signIn(t, clinician))).total).toBe(20);
      await grow(clinician, client, 10, 100);
      const middle = await firstPage(clinician);
      await grow(clinician, client, 40, 100);
      const large = await firstPage(clinician);
      const page = await queue(await signIn(t, clinician), { limit: '10' });
      expect(page.items).toHaveLength(10);
      expect(page.nextCursor).not.toBeNull();

      for (const plan of [small.plan, middle.plan, large.plan]) {
        expect(plan).toContain('response_unreviewed_individual');
        expect(plan).toContain('occurrence_open_by_client');
        expect(plan).toContain('"Relation Name":"response"');
        expect(plan).not.toMatch(/"Seq Scan"[^}]*"Relation Name":"(response|assignment_occurrence)"/);
      }
      // From 2,020 items to 10,020 a page reads the same rows; what may grow is a B-tree gaining a level (one more page per
      // probe). Against a queue of 20 the planner swaps hash joins over small tables for index probes: bounded by the page size.
      expect(large.buffers).toBeLessThanOrEqual(Math.ceil(middle.buffers * 1.3));
      expect(large.buffers).toBeLessThanOrEqual(small.buffers * 2);
    });
  });
});
