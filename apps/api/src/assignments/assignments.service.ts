import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import {
  BRING_TO_SESSION,
  scaleSteps,
  type BroughtToSession,
  type AssignmentDetail,
  type AssignmentSummary,
  type Exercise,
  type MemberProgress,
  type Page,
  type Recurrence,
  sharingRefusal,
  type SharingMode,
  type Trends,
  type TrendSeries,
} from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError, ValidationFailedError } from '../common/app-error.js';
import { PageCursors } from '../common/cursor.js';
import { currentCoupleMembers } from '../homework/couple-members.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import { Keyset, keysetForm, type KeysetForm, type KeysetSlots, type KeysetSpec } from '../db/keyset.js';
import { compiledOnce, compiledPerForm, type Slots } from '../db/compiled-once.js';
import type { SqlRunner } from '../common/sql.js';
import { requireOneSubject, subjectOf, type Subject } from '../common/subject-ref.dto.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';
import type { FieldCipher } from '../encryption/field-cipher.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import { openAnswers } from '../homework/answers-cipher.js';
import { insertHomework } from './homework-rows.js';
import type { BringQuery, CreateAssignmentDto, ListAssignmentsQuery, RescheduleAssignmentDto, SubjectQuery } from './dto/assignment.dto.js';
import { assignmentStatus, memberStatus, occurrenceStatus } from '../homework/homework-status.js';
import { practiceToday } from '../practices/practice-today.js';
import { daysBetween, planOccurrences } from './schedule.js';
import { RemindersService } from '../reminders/reminders.service.js';


/** What writeNew needs to know about new homework beyond who assigns it and for whom. */
export interface NewHomeworkFor {
  /** Locks and returns who does it (inside the transaction): the client, or the couple's members. */
  members: (db: Db) => Promise<string[]>;
  /** The exercise as assigned: its reference and its frozen definition. */
  exercise: { ref: string; definition: Exercise };
  instructions: string;
  recurrence: Recurrence;
  /** For couples: what partners see of each other's answers. */
  sharing: SharingMode;
  planned: ReadonlyArray<{ seq: number; opensOn: string; dueOn: string }>;
  remind: boolean;
  /** What the audit event says beyond the number of occurrences and the reminder. */
  detail: Record<string, unknown>;
  also?: (db: Db, assignmentId: string) => Promise<void>;
}

/**
 * An assignment with its subject's name, who assigned it, its counts as of `today` (done, overdue,
 * first and last due date), its next open occurrence and whether anyone started it.
 */
const selectAssignments = (db: Db, today: string) =>
  db
    .selectFrom('assignment as a')
    .innerJoin('staff_user as u', (j) => j.onRef('u.practice_id', '=', 'a.practice_id').onRef('u.id', '=', 'a.assigned_by'))
    .leftJoin('client as cl', (j) => j.onRef('cl.practice_id', '=', 'a.practice_id').onRef('cl.id', '=', 'a.client_id'))
    .leftJoin('couple as cp', (j) => j.onRef('cp.practice_id', '=', 'a.practice_id').onRef('cp.id', '=', 'a.couple_id'))
    .crossJoinLateral(
      sql<{ done: number; overdue: number; first_due: Date; last_due: Date }>`(
        SELECT count(*) FILTER (WHERE o.pending = 0)::int AS done,
               count(*) FILTER (WHERE o.pending > 0 AND NOT o.cancelled AND o.due_on < ${today}::date)::int AS overdue,
               min(o.due_on) AS first_due, max(o.due_on) AS last_due
          FROM assignment_occurrence o WHERE o.practice_id = a.practice_id AND o.assignment_id = a.id)`.as('s'),
    )
    .leftJoinLateral(
      sql<{ seq: number; due_on: Date }>`(
        SELECT o.seq, o.due_on FROM assignment_occurrence o
         WHERE o.practice_id = a.practice_id AND o.assignment_id = a.id AND o.pending > 0 AND NOT o.cancelled
         ORDER BY o.seq LIMIT 1)`.as('n'),
      (j) => j.onTrue(),
    )
    .select((eb) => [
      'a.id',
      'a.practice_id',
      'a.client_id',
      'a.couple_id',
      sql<string>`COALESCE(cl.name, cp.display_name)`.as('subject_name'),
      'a.exercise_ref',
      'a.exercise_version',
      eb.ref('a.exercise').$castTo<Exercise>().as('exercise'),
      'a.instructions',
      eb.ref('a.recurrence').$castTo<Recurrence>().as('recurrence'),
      'a.occurrence_count',
      eb.ref('a.sharing').$castTo<SharingMode | null>().as('sharing'),
      'a.assigned_by',
      'u.name as assigned_by_name',
      'a.created_at',
      'a.cancelled_at',
      'a.version',
      's.done',
      's.overdue',
      sql<string>`to_char(s.first_due, 'YYYY-MM-DD')`.as('first_due'),
      sql<string>`to_char(s.last_due, 'YYYY-MM-DD')`.as('last_due'),
      'n.seq as next_seq',
      sql<string | null>`to_char(n.due_on, 'YYYY-MM-DD')`.as('next_due'),
      sql<boolean>`EXISTS (SELECT 1 FROM response r WHERE r.practice_id = a.practice_id AND r.assignment_id = a.id)`.as('started'),
    ]);

type AssignmentRow = Awaited<ReturnType<ReturnType<typeof selectAssignments>['executeTakeFirstOrThrow']>>;

const ASSIGNMENTS_BY_CREATED = (practiceId: string, subjectId: string): KeysetSpec<{ created_at: Date; id: string }> => ({
  scope: { list: 'assignments', practiceId, within: subjectId },
  direction: 'desc',
  keys: [
    { by: 'a.created_at', part: 'timestamp', of: (r) => r.created_at.toISOString() },
    { by: 'a.id', part: 'uuid', of: (r) => r.id },
  ],
});

function toSummary(row: AssignmentRow): AssignmentSummary {
  return {
    id: row.id,
    subject: row.client_id ? { kind: 'client', id: row.client_id, name: row.subject_name } : { kind: 'couple', id: row.couple_id!, name: row.subject_name },
    exercise: {
      id: row.exercise_ref,
      version: row.exercise_version,
      title: row.exercise.title,
      minutes: row.exercise.minutes,
      requiresScreening: row.exercise.safety.requiresScreening,
    },
    instructions: row.instructions,
    recurrence: row.recurrence,
    sharing: row.sharing,
    occurrenceCount: row.occurrence_count,
    firstDueOn: row.first_due,
    lastDueOn: row.last_due,
    assignedBy: { id: row.assigned_by, name: row.assigned_by_name },
    createdAt: row.created_at.toISOString(),
    cancelledAt: row.cancelled_at?.toISOString() ?? null,
    status: assignmentStatus({ cancelled: row.cancelled_at !== null, done: row.done, total: row.occurrence_count, overdue: row.overdue, started: row.started }),
    progress: {
      done: row.done,
      total: row.occurrence_count,
      overdue: row.overdue,
      next: row.next_seq !== null ? { seq: row.next_seq, dueOn: row.next_due! } : null,
    },
    version: row.version,
  };
}

/** A client's or couple's homework, newest first, a page at a time (compiled per form: subject kind, a `since` or not, after a cursor or not). */
const assignmentsPage = compiledPerForm(
  (db, p: Slots<{ practiceId: string; subjectId: string; today: string; since: string } & KeysetSlots>, form: `${'client' | 'couple'}:${'all' | 'since'}:${KeysetForm}`) => {
    const [kind, since, page] = form.split(':') as ['client' | 'couple', 'all' | 'since', KeysetForm];
    let q = selectAssignments(db, p.today)
      .where('a.practice_id', '=', p.practiceId)
      .where(kind === 'couple' ? 'a.couple_id' : 'a.client_id', '=', p.subjectId);
    if (since === 'since') {
      q = q.where(
        sql<boolean>`(a.created_at >= ${p.since}::date OR EXISTS (SELECT 1 FROM assignment_occurrence o WHERE o.practice_id = a.practice_id AND o.assignment_id = a.id AND o.due_on >= ${p.since}::date))`,
      );
    }
    return keysetForm(q, ASSIGNMENTS_BY_CREATED('', ''), p, page);
  },
);

/** The trend chart's statements (compiled once: a client page draws the chart on every visit). The subject's latest twelve assignments with a scale step: */
const trendAssignments = compiledPerForm((db, p: Slots<{ practiceId: string; subjectId: string }>, form: 'client' | 'couple') =>
  db
    .selectFrom('assignment as a')
    .select((eb) => ['a.id', eb.ref('a.exercise').$castTo<Exercise>().as('exercise')])
    .where('a.practice_id', '=', p.practiceId)
    .where(form === 'couple' ? 'a.couple_id' : 'a.client_id', '=', p.subjectId)
    .where(sql<boolean>`jsonb_path_exists(a.exercise, '$.steps[*] ? (@.kind == "scale")')`)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(12),
);
type TrendValues = Slots<{ practiceId: string; ids: string[] }>;
/** …their occurrences, */
const trendOccurrences = compiledOnce((db, p: TrendValues) =>
  db
    .selectFrom('assignment_occurrence')
    .select(['assignment_id', 'seq', sql<string>`to_char(due_on, 'YYYY-MM-DD')`.as('due_on')])
    .where('practice_id', '=', p.practiceId)
    .where(sql<boolean>`assignment_id = ANY(${p.ids}::uuid[])`)
    .orderBy('assignment_id')
    .orderBy('seq'),
);
/** …who does them, */
const trendMembers = compiledOnce((db, p: TrendValues) =>
  db
    .selectFrom('assignment_member as am')
    .innerJoin('client as c', (j) => j.onRef('c.practice_id', '=', 'am.practice_id').onRef('c.id', '=', 'am.client_id'))
    .select(['am.assignment_id', 'c.id', 'c.name'])
    .where('am.practice_id', '=', p.practiceId)
    .where(sql<boolean>`am.assignment_id = ANY(${p.ids}::uuid[])`)
    .orderBy('c.name')
    .orderBy('c.id'),
);
/** …and what they submitted. */
const trendResponses = compiledOnce((db, p: TrendValues) =>
  db
    .selectFrom('response')
    .select(['practice_id', 'id', 'assignment_id', 'seq', 'client_id', 'status', 'key_id', 'answers_enc', 'created_at', 'submitted_at'])
    .where('practice_id', '=', p.practiceId)
    .where(sql<boolean>`assignment_id = ANY(${p.ids}::uuid[])`)
    .where('status', '=', sql.lit('submitted')),
);

/**
 * Homework as the care team sees it: assigning a fixed exercise version,
 * rescheduling, cancelling, and reviewing what came back. Admins see
 * assignments and their status; answers only if they are on the care team.
 * Every read that returns answers is audited.
 */
@Injectable()
export class AssignmentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @Inject(RemindersService) private readonly reminders: RemindersService,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  async create(actor: StaffActor, dto: CreateAssignmentDto): Promise<AssignmentDetail> {
    const subject = requireOneSubject(dto);
    const access = await this.access.subject(actor, subject);
    if (!access.may.homework.edit) throw new ForbiddenError('Only a clinician on the care team assigns homework.');
    const isCouple = 'coupleId' in subject;
    if (!isCouple && dto.sharing !== undefined) throw new ValidationFailedError({ sharing: 'is only for couples' });
    const planned = planOccurrences({ today: await practiceToday(this.db, actor), dueOn: dto.dueOn, recurrence: dto.recurrence, endsOn: dto.endsOn, count: dto.count });
    if (!Array.isArray(planned)) throw new ValidationFailedError(planned.fields);
    const library = await this.exercises.get(actor, dto.exerciseId, dto.exerciseVersion);
    const exercise = library.exercise;
    if (library.archived) throw new RuleViolationError('exercise_archived', 'This exercise is archived. Restore it in the library, or choose another.');
    if (!isCouple && exercise.audience === 'couple') {
      throw new RuleViolationError('couple_exercise', `“${exercise.title}” is written for couples. Assign it to the couple, or choose an exercise for one person.`);
    }
    if (!exercise.recurrence.includes(dto.recurrence)) {
      const suits = exercise.recurrence.map((r) => (r === 'once' ? 'once' : r)).join(' or ');
      throw new RuleViolationError('recurrence_unsuited', `“${exercise.title}” is made to be done ${suits}, not ${dto.recurrence === 'once' ? 'once' : dto.recurrence}.`);
    }

    const id = await this.writeNew(actor, subject, {
      members: (db) => this.lockMembers(db, actor.practiceId, subject, exercise, dto.sharing ?? 'private'),
      exercise: { ref: library.id, definition: exercise },
      instructions: dto.instructions,
      recurrence: dto.recurrence,
      sharing: dto.sharing ?? 'private',
      planned,
      remind: dto.remind === true,
      detail: { exercise: library.id, version: exercise.version, recurrence: dto.recurrence },
    });
    return this.get(actor, id);
  }

  /**
   * Writes new homework for a subject, in one audited transaction: the rows
   * (locking who does it first), the `assignment.created` event and, when
   * asked, the "you have new homework" reminder. Homework and outcome measures
   * both assign through it; `also` writes what a kind adds (a measure's row).
   */
  async writeNew(actor: StaffActor, subject: Subject, homework: NewHomeworkFor): Promise<string> {
    const isCouple = 'coupleId' in subject;
    const subjectId = isCouple ? subject.coupleId : subject.clientId;
    const id = crypto.randomUUID();
    await this.writes.transaction(actor, async (tx, audit, db) => {
      const members = await homework.members(db);
      await insertHomework(db, {
        assignment: {
          practice_id: actor.practiceId,
          id,
          client_id: isCouple ? null : subjectId,
          couple_id: isCouple ? subjectId : null,
          exercise_ref: homework.exercise.ref,
          exercise_version: homework.exercise.definition.version,
          exercise: homework.exercise.definition,
          instructions: homework.instructions.trim(),
          recurrence: homework.recurrence,
          sharing: isCouple ? homework.sharing : null,
          assigned_by: actor.userId,
          remind: homework.remind,
        },
        members,
        occurrences: homework.planned.map((p) => ({ seq: p.seq, opens_on: p.opensOn, due_on: p.dueOn })),
      });
      await homework.also?.(db, id);
      const detail = { ...homework.detail, occurrences: homework.planned.length, remind: homework.remind };
      await audit.record({ action: 'assignment.created', recordType: 'assignment', recordId: id, subjectId, detail });
      if (homework.remind) {
        await this.reminders.assigned(tx, audit, { practiceId: actor.practiceId, assignmentId: id, assignedBy: actor.userId, coupleId: isCouple ? subjectId : null });
      }
    });
    return id;
  }

  async list(actor: StaffActor, query: ListAssignmentsQuery): Promise<Page<AssignmentSummary>> {
    const subject = requireOneSubject(query);
    await this.access.subject(actor, subject);
    const isCouple = 'coupleId' in subject;
    const subjectId = isCouple ? subject.coupleId : subject.clientId;
    const keyset = new Keyset(this.cursors, ASSIGNMENTS_BY_CREATED(actor.practiceId, subjectId), query);
    const today = await practiceToday(this.db, actor);
    const form = `${isCouple ? 'couple' : 'client'}:${query.since ? 'since' : 'all'}:${keyset.form}` as const;
    const values = { practiceId: actor.practiceId, subjectId, today, since: query.since ?? '', ...keyset.slotValues };
    const { rows: read } = await assignmentsPage.execute(this.kdb, form, values);
    const { rows, nextCursor } = keyset.page(read);
    return { items: rows.map(toSummary), nextCursor };
  }

  async get(actor: StaffActor, id: string): Promise<AssignmentDetail> {
    const today = await practiceToday(this.db, actor);
    const row = await this.find(this.db, actor.practiceId, id, today);
    const access = await this.access.subject(actor, subjectOf(row));
    const answersVisible = access.may.answers.read;
    const [occurrences, members, responses] = await Promise.all([
      this.kdb
        .selectFrom('assignment_occurrence')
        .select(['seq', sql<string>`to_char(opens_on, 'YYYY-MM-DD')`.as('opens_on'), sql<string>`to_char(due_on, 'YYYY-MM-DD')`.as('due_on'), 'cancelled'])
        .where('practice_id', '=', actor.practiceId)
        .where('assignment_id', '=', id)
        .orderBy('seq')
        .execute(),
      this.members(this.kdb, actor.practiceId, id),
      this.kdb
        .selectFrom('response')
        .select((eb) => [
          'practice_id',
          'id',
          'seq',
          'client_id',
          eb.ref('status').$castTo<'draft' | 'submitted'>().as('status'),
          'key_id',
          // Without the care team's view, the ciphertext never leaves the database.
          answersVisible ? 'answers_enc' : sql<Buffer>`''::bytea`.as('answers_enc'),
          'created_at',
          'submitted_at',
          'reviewed_at',
        ])
        .where('practice_id', '=', actor.practiceId)
        .where('assignment_id', '=', id)
        .execute(),
    ]);
    type Response = (typeof responses)[number];
    const bySeq = new Map<number, Map<string, Response>>();
    for (const r of responses) {
      if (!bySeq.has(r.seq)) bySeq.set(r.seq, new Map());
      bySeq.get(r.seq)!.set(r.client_id, r);
    }
    let answersShown = 0;
    const detail: AssignmentDetail = {
      ...toSummary(row),
      steps: row.exercise.steps,
      answersVisible,
      occurrences: occurrences.map((o) => {
        const memberViews: MemberProgress[] = members.map((m) => {
          const response = bySeq.get(o.seq)?.get(m.id);
          const answers = answersVisible && response ? openAnswers(this.cipher, response) : null;
          if (answers) answersShown += 1;
          return {
            client: { id: m.id, name: m.name },
            status: memberStatus({ dueOn: o.due_on, cancelled: o.cancelled }, response, today),
            startedAt: response?.created_at.toISOString() ?? null,
            submittedAt: response?.submitted_at?.toISOString() ?? null,
            responseId: response?.id ?? null,
            reviewedAt: response?.reviewed_at?.toISOString() ?? null,
            answers,
          };
        });
        return { seq: o.seq, opensOn: o.opens_on, dueOn: o.due_on, status: occurrenceStatus(memberViews.map((m) => m.status)), members: memberViews };
      }),
    };
    if (answersShown > 0) {
      await this.writes.event(actor, { action: 'response.read', recordType: 'assignment', recordId: id, subjectId: row.client_id ?? row.couple_id!, detail: { responses: answersShown } });
    }
    return detail;
  }

  /** Moves the next open occurrence to a new due date; later open ones move with it, keeping their spacing. */
  async reschedule(actor: StaffActor, id: string, dto: RescheduleAssignmentDto): Promise<AssignmentDetail> {
    await this.writes.transaction(actor, async (tx, audit, db) => {
      const today = await practiceToday(tx, actor);
      const row = await this.find(tx, actor.practiceId, id, today);
      await this.assertOnTeam(actor, row, tx);
      if (row.version !== dto.version) throw this.stale();
      if (row.cancelled_at) throw new ConflictError('cancelled', 'This assignment was cancelled; assign the exercise again instead.');
      if (row.next_seq === null) throw new RuleViolationError('nothing_open', 'Every occurrence of this assignment is done: there is no due date left to change.');
      if (dto.dueOn < today) throw new ValidationFailedError({ dueOn: 'must be today or later' });
      const shift = daysBetween(row.next_due!, dto.dueOn);
      await db
        .updateTable('assignment_occurrence')
        .set({
          due_on: sql`due_on + ${shift}::int`,
          opens_on: sql`CASE WHEN seq = ${row.next_seq} THEN LEAST(opens_on, due_on + ${shift}::int) ELSE opens_on + ${shift}::int END`,
        })
        .where('practice_id', '=', actor.practiceId)
        .where('assignment_id', '=', id)
        .where('seq', '>=', row.next_seq)
        .where('pending', '>', 0)
        .execute();
      await this.bumpVersion(db, actor.practiceId, id, dto.version);
      await audit.record({ action: 'assignment.rescheduled', recordType: 'assignment', recordId: id, subjectId: row.client_id ?? row.couple_id!, detail: { from: row.next_due, to: dto.dueOn } });
    });
    return this.get(actor, id);
  }

  /** Cancelling keeps what was done; open occurrences stop counting as due or overdue. */
  async cancel(actor: StaffActor, id: string, version: number): Promise<AssignmentDetail> {
    await this.writes.transaction(actor, async (tx, audit, db) => {
      const today = await practiceToday(tx, actor);
      const row = await this.find(tx, actor.practiceId, id, today);
      await this.assertOnTeam(actor, row, tx);
      if (row.version !== version) throw this.stale();
      if (row.cancelled_at) return;
      await db.updateTable('assignment').set({ cancelled_at: sql`now()`, cancelled_by: actor.userId }).where('practice_id', '=', actor.practiceId).where('id', '=', id).execute();
      await db.updateTable('assignment_occurrence').set({ cancelled: true }).where('practice_id', '=', actor.practiceId).where('assignment_id', '=', id).where('pending', '>', 0).execute();
      await this.bumpVersion(db, actor.practiceId, id, version);
      await audit.record({ action: 'assignment.cancelled', recordType: 'assignment', recordId: id, subjectId: row.client_id ?? row.couple_id! });
    });
    return this.get(actor, id);
  }

  /**
   * Every scale step of the subject's recent assignments, across occurrences:
   * one line per member, so a couple's two lines show the gap between them.
   */
  async trends(actor: StaffActor, query: SubjectQuery): Promise<Trends> {
    const subject = requireOneSubject(query);
    const access = await this.access.subject(actor, subject);
    if (!access.may.answers.read) return { series: [] };
    const isCouple = 'coupleId' in subject;
    const subjectId = isCouple ? subject.coupleId : subject.clientId;
    const { rows: assignments } = await trendAssignments.execute(this.kdb, isCouple ? 'couple' : 'client', { practiceId: actor.practiceId, subjectId });
    if (assignments.length === 0) return { series: [] };
    const values = { practiceId: actor.practiceId, ids: assignments.map((a) => a.id) };
    const [{ rows: occurrences }, { rows: members }, { rows: responses }] = await Promise.all([
      trendOccurrences.execute(this.kdb, values),
      trendMembers.execute(this.kdb, values),
      trendResponses.execute(this.kdb, values),
    ]);
    const answersByKey = new Map(responses.map((r) => [`${r.assignment_id}/${r.seq}/${r.client_id}`, openAnswers(this.cipher, r)]));
    const series: TrendSeries[] = [];
    for (const a of assignments) {
      const who = members.filter((m) => m.assignment_id === a.id).map((m) => ({ id: m.id, name: m.name }));
      const occ = occurrences.filter((o) => o.assignment_id === a.id);
      for (const step of scaleSteps(a.exercise)) {
        const points = occ
          .map((o) => ({
            seq: o.seq,
            dueOn: o.due_on,
            values: Object.fromEntries(
              who.map((m) => {
                const value = answersByKey.get(`${a.id}/${o.seq}/${m.id}`)?.[step.id];
                return [m.id, typeof value === 'number' ? value : null];
              }),
            ),
          }))
          .filter((p) => Object.values(p.values).some((v) => v !== null));
        if (points.length === 0) continue;
        series.push({
          assignmentId: a.id,
          exerciseTitle: a.exercise.title,
          step: { id: step.id, prompt: step.prompt, min: step.min, max: step.max, minLabel: step.minLabel, maxLabel: step.maxLabel },
          members: who,
          points,
        });
      }
    }
    if (responses.length > 0) {
      await this.writes.event(actor, { action: 'response.read', recordType: isCouple ? 'couple' : 'client', recordId: subjectId, subjectId, detail: { responses: responses.length, view: 'trends' } });
    }
    return { series };
  }

  /**
   * What clients want to bring to their next session: the closing answer of
   * homework submitted since a date (the previous note), newest first, for the
   * note's homework block. Only the care team reads it; it is a read of answers.
   */
  async toBring(actor: StaffActor, query: BringQuery): Promise<BroughtToSession> {
    const subject = requireOneSubject(query);
    const access = await this.access.subject(actor, subject);
    if (!access.may.answers.read) return { items: [] };
    const isCouple = 'coupleId' in subject;
    const subjectId = isCouple ? subject.coupleId : subject.clientId;
    let bring = this.kdb
      .selectFrom('response as r')
      .innerJoin('assignment as a', (j) => j.onRef('a.practice_id', '=', 'r.practice_id').onRef('a.id', '=', 'r.assignment_id'))
      .innerJoin('client as c', (j) => j.onRef('c.practice_id', '=', 'r.practice_id').onRef('c.id', '=', 'r.client_id'))
      .select(['r.practice_id', 'r.id', 'r.key_id', 'r.answers_enc', 'r.submitted_at', 'r.assignment_id', sql<string>`a.exercise->>'title'`.as('title'), 'c.id as client_id', 'c.name as client_name'])
      .where('r.practice_id', '=', actor.practiceId);
    bring = isCouple ? bring.where('r.couple_id', '=', subjectId) : bring.where('r.client_id', '=', subjectId).where('r.couple_id', 'is', null);
    const rows = await bring
      .where('r.status', '=', sql.lit('submitted'))
      .where(sql<boolean>`r.updated_at >= COALESCE(${query.since ?? null}::date, '-infinity'::date)`)
      .where(sql<boolean>`jsonb_path_exists(a.exercise, ${sql.lit(`$.steps[*] ? (@.id == "${BRING_TO_SESSION}")`)})`)
      .orderBy('r.updated_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(20)
      .execute();
    const items = rows
      .map((r) => ({ r, text: openAnswers(this.cipher, r)[BRING_TO_SESSION] }))
      .filter((x): x is { r: (typeof rows)[number]; text: string } => typeof x.text === 'string' && x.text.trim() !== '')
      .map(({ r, text }) => ({ assignmentId: r.assignment_id, exerciseTitle: r.title, person: { id: r.client_id, name: r.client_name }, submittedAt: r.submitted_at!.toISOString(), text }));
    if (rows.length > 0) {
      await this.writes.event(actor, { action: 'response.read', recordType: isCouple ? 'couple' : 'client', recordId: subjectId, subjectId, detail: { responses: rows.length, view: 'to-bring' } });
    }
    return { items };
  }

  /**
   * Who answers: the client, or the couple's current members (at least two,
   * all active). Locks the couple so that its screening status cannot change
   * while the gate below is decided.
   */
  private async lockMembers(db: Db, practiceId: string, subject: Subject, exercise: Exercise, sharing: SharingMode): Promise<string[]> {
    if ('clientId' in subject) {
      const client = await db.selectFrom('client').select(['status', 'name']).where('practice_id', '=', practiceId).where('id', '=', subject.clientId).executeTakeFirst();
      if (client!.status !== 'active') throw new RuleViolationError('client_discharged', `${client!.name} is discharged. Reactivate the client before assigning homework.`);
      return [subject.clientId];
    }
    const couple = await db
      .selectFrom('couple')
      .select(['display_name', 'conjoint_safety'])
      .where('practice_id', '=', practiceId)
      .where('id', '=', subject.coupleId)
      .forShare()
      .executeTakeFirst();
    if (exercise.safety.requiresScreening && couple!.conjoint_safety !== 'cleared') {
      const why = couple!.conjoint_safety === 'concern' ? 'a safety concern is recorded for this couple' : 'this couple has not been screened for conjoint work yet';
      throw new RuleViolationError(
        'screening_required',
        `“${exercise.title}” needs conjoint-safety screening, and ${why}. Record a screening of “cleared” on the couple’s page first, or choose an exercise that does not need it.`,
      );
    }
    const refusal = sharingRefusal(exercise, sharing, couple!.conjoint_safety);
    if (refusal) throw new RuleViolationError('sharing_not_allowed', refusal);
    return currentCoupleMembers(db, practiceId, subject.coupleId, 'do it together');
  }

  private members(db: Db, practiceId: string, assignmentId: string) {
    return db
      .selectFrom('assignment_member as am')
      .innerJoin('client as c', (j) => j.onRef('c.practice_id', '=', 'am.practice_id').onRef('c.id', '=', 'am.client_id'))
      .select(['c.id', 'c.name'])
      .where('am.practice_id', '=', practiceId)
      .where('am.assignment_id', '=', assignmentId)
      .orderBy('c.name')
      .orderBy('c.id')
      .execute();
  }

  private async assertOnTeam(actor: StaffActor, row: AssignmentRow, runner: SqlRunner) {
    const access = await this.access.subject(actor, subjectOf(row), runner);
    if (!access.may.homework.edit) throw new ForbiddenError('Only a clinician on the care team changes homework.');
  }

  private async bumpVersion(db: Db, practiceId: string, id: string, version: number) {
    const bumped = await db
      .updateTable('assignment')
      .set({ version: sql`version + 1` })
      .where('practice_id', '=', practiceId)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('id')
      .execute();
    if (bumped.length === 0) throw this.stale();
  }

  private stale() {
    return new ConflictError('stale_version', 'This assignment changed since you opened it. Reload it and try again.');
  }

  private async find(runner: SqlRunner, practiceId: string, id: string, today: string): Promise<AssignmentRow> {
    const row = await selectAssignments(kyselyOn(runner), today).where('a.practice_id', '=', practiceId).where('a.id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('assignment');
    return row;
  }
}
