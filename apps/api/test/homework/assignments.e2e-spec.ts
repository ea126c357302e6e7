import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AssignmentDetail } from '@tandem/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, portalAs, signIn, type TestPractice, type TestStaff } from '../support/factories.js';
import { backdate, day, missEachOtherAnswers, smallActsAnswers } from './homework-helpers.js';

describe('assigning homework and reviewing it', () => {
  let t: TestApp;
  let practice: TestPractice;
  let clinician: TestStaff;
  let admin: TestStaff;

  beforeAll(async () => {
    t = await startTestApp();
    practice = await newPractice(t.db);
    clinician = await newClinician(t.db, practice);
    admin = await newAdmin(t.db, practice);
  });
  afterAll(() => t.close());

  const weekly = (subject: object, extra: object = {}) => ({
    ...subject,
    exerciseId: 'builtin:small-acts-of-care',
    instructions: 'Once a week, notice one small thing you did.',
    dueOn: day(2),
    recurrence: 'weekly',
    count: 4,
    ...extra,
  });

  it('a care-team clinician assigns a weekly exercise: a fixed version, one occurrence per week, each opening after the last', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const res = await agent.post('/api/assignments').send(weekly({ clientId: client.id }));
    expect(res.status).toBe(201);
    const a = res.body as AssignmentDetail;
    expect(a).toMatchObject({
      subject: { kind: 'client', id: client.id },
      exercise: { id: 'builtin:small-acts-of-care', version: 2, title: 'Small acts of care (daily)' },
      instructions: 'Once a week, notice one small thing you did.',
      recurrence: 'weekly',
      sharing: null,
      occurrenceCount: 4,
      firstDueOn: day(2),
      lastDueOn: day(23),
      status: 'assigned',
      progress: { done: 0, total: 4, overdue: 0, next: { seq: 1, dueOn: day(2) } },
      answersVisible: true,
    });
    expect(a.occurrences.map((o) => [o.seq, o.opensOn, o.dueOn])).toEqual([
      [1, day(0), day(2)],
      [2, day(3), day(9)],
      [3, day(10), day(16)],
      [4, day(17), day(23)],
    ]);
    expect(a.occurrences[0]!.members).toEqual([expect.objectContaining({ client: { id: client.id, name: client.name }, status: 'assigned', answers: null })]);
    expect(a.steps.filter((s) => s.kind === 'scale').map((s) => s.id)).toEqual(['connection', 'cared-for']);

    const [audit] = await t.db.query(`SELECT actor_id, subject_id FROM audit_event WHERE action = 'assignment.created' AND record_id = $1`, [a.id]);
    expect(audit).toEqual({ actor_id: clinician.id, subject_id: client.id });
  });

  it('an end date makes as many occurrences as fit; daily ones open on their own day', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const res = await agent.post('/api/assignments').send(weekly({ clientId: client.id }, { recurrence: 'daily', dueOn: day(0), count: undefined, endsOn: day(6) }));
    expect(res.status).toBe(201);
    expect(res.body.occurrences.map((o: { opensOn: string; dueOn: string }) => o.opensOn === o.dueOn)).toEqual(Array(7).fill(true));
  });

  it.each([
    ['a client and a couple at once', { coupleId: '00000000-0000-4000-8000-000000000000' }, 'clientId'],
    ['a count on a once-off', { recurrence: 'once', count: 2 }, 'count'],
    ['a weekly assignment with no end', { count: undefined }, 'endsOn'],
    ['both an end date and a count', { endsOn: day(30) }, 'endsOn'],
    ['an end before the first due date', { count: undefined, endsOn: day(1) }, 'endsOn'],
    ['more than 90 occurrences', { recurrence: 'daily', count: undefined, endsOn: day(200) }, 'endsOn'],
    ['a due date in the past', { dueOn: day(-1) }, 'dueOn'],
    ['a sharing mode for one client', { sharing: 'private' }, 'sharing'],
    ['instructions too long', { instructions: 'x'.repeat(2001) }, 'instructions'],
    ['no such date', { dueOn: '2026-02-30' }, 'dueOn'],
  ])('refuses %s with a message on the field', async (_what, change, field) => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const res = await agent.post('/api/assignments').send(weekly({ clientId: client.id }, change));
    expect(res.status).toBe(400);
    expect(res.body.fields).toHaveProperty(field);
    expect(await t.db.query(`SELECT 1 FROM assignment WHERE client_id = $1`, [client.id])).toHaveLength(0);
  });

  describe('conjoint-safety screening gates exercises that need it', () => {
    const gated = (coupleId: string) => ({
      coupleId,
      exerciseId: 'builtin:the-three-percent-that-is-true',
      instructions: 'Each of you, separately.',
      dueOn: day(5),
      recurrence: 'once',
      sharing: 'private',
    });

    it.each(['unscreened', 'concern'] as const)('a couple whose screening is %s: 422 with a sentence, and nothing assigned', async (safety) => {
      const couple = await newCouple(t.db, practice, { clinicians: [clinician], safety });
      const res = await (await signIn(t, clinician)).post('/api/assignments').send(gated(couple.id));
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('screening_required');
      expect(res.body.message).toMatch(/needs conjoint-safety screening/);
      expect(await t.db.query(`SELECT 1 FROM assignment WHERE couple_id = $1`, [couple.id])).toHaveLength(0);
    });

    it('a cleared couple can be given it; every member answers', async () => {
      const couple = await newCouple(t.db, practice, { clinicians: [clinician], safety: 'cleared' });
      const res = await (await signIn(t, clinician)).post('/api/assignments').send(gated(couple.id));
      expect(res.status).toBe(201);
      expect(res.body.sharing).toBe('private');
      expect(res.body.occurrences[0].members.map((m: { client: { id: string } }) => m.client.id).sort()).toEqual([...couple.memberIds].sort());
    });
  });

  it.each([
    ['a couple exercise to one client', { exerciseId: 'builtin:when-we-miss-each-other', recurrence: 'once', count: undefined }, 'couple_exercise'],
    ['a once-only exercise weekly', { exerciseId: 'builtin:longing-and-fear' }, 'recurrence_unsuited'],
  ])('refuses %s as a clinical rule (422)', async (_what, change, code) => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const res = await (await signIn(t, clinician)).post('/api/assignments').send(weekly({ clientId: client.id }, change));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe(code);
  });

  it('a discharged client gets no new homework', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician], status: 'discharged' });
    const res = await (await signIn(t, clinician)).post('/api/assignments').send(weekly({ clientId: client.id }));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('client_discharged');
  });

  it('who may assign: the care team only; an admin is refused, a clinician elsewhere finds nothing, another practice’s exercise is missing', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const outsider = await newClinician(t.db, practice);
    const other = await newPractice(t.db);
    const otherClinician = await newClinician(t.db, other);
    expect((await (await signIn(t, admin)).post('/api/assignments').send(weekly({ clientId: client.id }))).status).toBe(403);
    expect((await (await signIn(t, outsider)).post('/api/assignments').send(weekly({ clientId: client.id }))).status).toBe(404);
    expect((await (await signIn(t, otherClinician)).post('/api/assignments').send(weekly({ clientId: client.id }))).status).toBe(404);
    const [foreign] = await t.db.query(
      `INSERT INTO exercise (practice_id, slug, author_id, title, theme, audience) VALUES ($1, 'theirs', $2, 'Theirs', 'connection', 'either') RETURNING id`,
      [other.id, otherClinician.id],
    );
    const res = await (await signIn(t, clinician)).post('/api/assignments').send(weekly({ clientId: client.id }, { exerciseId: foreign.id }));
    expect(res.status).toBe(404);
  });

  it('rescheduling moves the next open occurrence and keeps the spacing of the rest; a stale version is a 409', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const created = (await agent.post('/api/assignments').send(weekly({ clientId: client.id }, { count: 3 }))).body as AssignmentDetail;
    const moved = await agent.patch(`/api/assignments/${created.id}`).send({ dueOn: day(4), version: created.version });
    expect(moved.status).toBe(200);
    expect(moved.body.occurrences.map((o: { dueOn: string }) => o.dueOn)).toEqual([day(4), day(11), day(18)]);
    expect(moved.body.occurrences[0].opensOn).toBe(day(0));
    const stale = await agent.patch(`/api/assignments/${created.id}`).send({ dueOn: day(6), version: created.version });
    expect(stale.status).toBe(409);
    expect((await agent.get(`/api/assignments/${created.id}`)).body.firstDueOn).toBe(day(4));
  });

  it('cancelling keeps what was done and stops the rest from counting as due or overdue', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const created = (await agent.post('/api/assignments').send(weekly({ clientId: client.id }, { count: 3, dueOn: day(0) }))).body as AssignmentDetail;
    const portal = await portalAs(t, client, clinician);
    expect((await portal.post(`/api/portal/assignments/${created.id}/occurrences/1/submit`).send({ answers: smallActsAnswers(6), submissionId: crypto.randomUUID() })).status).toBe(200);
    await backdate(t.db, created.id, 10);

    const before = (await agent.get(`/api/clients/${client.id}`)).body;
    expect(before.homework.overdue).toBe(1);

    const cancelled = await agent.post(`/api/assignments/${created.id}/cancel`).send({ version: created.version });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.occurrences.map((o: { status: string }) => o.status)).toEqual(['done', 'cancelled', 'cancelled']);
    expect((await agent.get(`/api/clients/${client.id}`)).body.homework).toMatchObject({ overdue: 0, dueThisWeek: 0 });
    expect((await agent.post(`/api/assignments/${created.id}/cancel`).send({ version: created.version })).status).toBe(409);
    expect((await agent.patch(`/api/assignments/${created.id}`).send({ dueOn: day(3), version: cancelled.body.version })).status).toBe(409);
  });

  it('statuses are derived per member and occurrence: assigned, in progress, done, overdue', async () => {
    const couple = await newCouple(t.db, practice, { clinicians: [clinician] });
    const [a, b] = couple.memberIds.map((id) => ({ id, practiceId: practice.id }));
    const agent = await signIn(t, clinician);
    const created = (
      await agent.post('/api/assignments').send({
        coupleId: couple.id,
        exerciseId: 'builtin:when-we-miss-each-other',
        instructions: 'Think of Sunday.',
        dueOn: day(0),
        recurrence: 'weekly',
        count: 2,
      })
    ).body as AssignmentDetail;
    const asA = await portalAs(t, a!, clinician);
    const asB = await portalAs(t, b!, clinician);
    await asA.put(`/api/portal/assignments/${created.id}/occurrences/1/draft`).send({ answers: { conflict: 'Sunday' }, version: 0 });
    let detail = (await agent.get(`/api/assignments/${created.id}`)).body as AssignmentDetail;
    const statusOf = (d: AssignmentDetail, seq: number, who: string) => d.occurrences[seq - 1]!.members.find((m) => m.client.id === who)!.status;
    expect([statusOf(detail, 1, a!.id), statusOf(detail, 1, b!.id), detail.occurrences[0]!.status]).toEqual(['in-progress', 'assigned', 'in-progress']);
    await asB.post(`/api/portal/assignments/${created.id}/occurrences/1/submit`).send({ answers: missEachOtherAnswers(8), submissionId: crypto.randomUUID() });
    await backdate(t.db, created.id, 3);
    detail = (await agent.get(`/api/assignments/${created.id}`)).body as AssignmentDetail;
    expect([statusOf(detail, 1, a!.id), statusOf(detail, 1, b!.id), detail.occurrences[0]!.status]).toEqual(['overdue', 'done', 'overdue']);
    expect(detail.status).toBe('overdue');
    expect(detail.progress).toMatchObject({ done: 0, overdue: 1, next: { seq: 1 } });

    const couplePage = (await agent.get(`/api/couples/${couple.id}`)).body;
    expect(couplePage.homework).toMatchObject({ overdue: 1, dueThisWeek: 1 });
    expect(couplePage.homework.lastActivityAt).not.toBeNull();
    const board = (await (await signIn(t, admin)).get('/api/caseloads')).body;
    expect(board.clinicians.find((c: { clinician: { id: string } }) => c.clinician.id === clinician.id).overdue).toBeGreaterThanOrEqual(1);
  });

  it('admins see assignments and their status but not answers; the care team reads answers, and each read is audited', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const created = (await agent.post('/api/assignments').send(weekly({ clientId: client.id }, { dueOn: day(0) }))).body as AssignmentDetail;
    const portal = await portalAs(t, client, clinician);
    await portal.post(`/api/portal/assignments/${created.id}/occurrences/1/submit`).send({ answers: smallActsAnswers(7, 'walked the dog'), submissionId: crypto.randomUUID() });

    const asAdmin = (await (await signIn(t, admin)).get(`/api/assignments/${created.id}`)).body as AssignmentDetail;
    expect(asAdmin.answersVisible).toBe(false);
    expect(asAdmin.occurrences[0]!.members[0]).toMatchObject({ status: 'done', answers: null });
    expect(JSON.stringify(asAdmin)).not.toContain('walked the dog');
    expect((await (await signIn(t, admin)).get('/api/assignments/trends').query({ clientId: client.id })).body).toEqual({ series: [] });

    const asClinician = (await agent.get(`/api/assignments/${created.id}`)).body as AssignmentDetail;
    expect(asClinician.occurrences[0]!.members[0]!.answers).toMatchObject({ detail: 'I walked the dog without being asked.', connection: 7 });
    const reads = await t.db.query(`SELECT actor_id FROM audit_event WHERE action = 'response.read' AND record_id = $1`, [created.id]);
    expect(reads).toEqual([{ actor_id: clinician.id }]);

    const list = (await agent.get('/api/assignments').query({ clientId: client.id })).body;
    expect(list.items.map((i: { id: string; progress: { done: number } }) => [i.id, i.progress.done])).toEqual([[created.id, 1]]);
  });

  it('trend data: every scale step across occurrences, a line per partner so the gap shows', async () => {
    const couple = await newCouple(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const created = (
      await agent.post('/api/assignments').send({
        coupleId: couple.id,
        exerciseId: 'builtin:when-we-miss-each-other',
        instructions: 'Weekly.',
        dueOn: day(0),
        recurrence: 'weekly',
        count: 3,
        sharing: 'private',
      })
    ).body as AssignmentDetail;
    const [a, b] = couple.memberIds;
    const asA = await portalAs(t, { id: a!, practiceId: practice.id }, clinician);
    const asB = await portalAs(t, { id: b!, practiceId: practice.id }, clinician);
    const submit = (agentFor: typeof asA, seq: number, value: number) =>
      agentFor.post(`/api/portal/assignments/${created.id}/occurrences/${seq}/submit`).send({ answers: missEachOtherAnswers(value), submissionId: crypto.randomUUID() });
    expect((await submit(asA, 1, 3)).status).toBe(200);
    expect((await submit(asB, 1, 8)).status).toBe(200);
    await backdate(t.db, created.id, 7);
    expect((await submit(asA, 2, 5)).status).toBe(200);

    const trends = (await agent.get('/api/assignments/trends').query({ coupleId: couple.id })).body;
    expect(trends.series).toHaveLength(1);
    const [series] = trends.series;
    expect(series).toMatchObject({ assignmentId: created.id, exerciseTitle: 'When we miss each other', step: { id: 'understood', min: 0, max: 10 } });
    expect(series.members.map((m: { id: string }) => m.id).sort()).toEqual([a, b].sort());
    expect(series.points).toEqual([
      { seq: 1, dueOn: day(-7), values: { [a!]: 3, [b!]: 8 } },
      { seq: 2, dueOn: day(0), values: { [a!]: 5, [b!]: null } },
    ]);
  });

  it('the homework of another practice, or of a client off my teams, is a 404 by id', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const created = (await (await signIn(t, clinician)).post('/api/assignments').send(weekly({ clientId: client.id }))).body as AssignmentDetail;
    const other = await newPractice(t.db);
    for (const who of [await newClinician(t.db, practice), await newAdmin(t.db, other)]) {
      const agent = await signIn(t, who);
      expect((await agent.get(`/api/assignments/${created.id}`)).status).toBe(404);
      expect((await agent.get('/api/assignments').query({ clientId: client.id })).status).toBe(404);
    }
  });
});
