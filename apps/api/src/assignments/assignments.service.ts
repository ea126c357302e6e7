import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
import { PageCursors, pageLimit } from '../common/cursor.js';
import { modify, type SqlRunner } from '../common/sql.js';
import { requireOneSubject, subjectOf, type Subject } from '../common/subject-ref.dto.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';
import type { FieldCipher } from '../encryption/field-cipher.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import { openAnswers } from '../homework/answers-cipher.js';
import type { BringQuery, CreateAssignmentDto, ListAssignmentsQuery, RescheduleAssignmentDto, SubjectQuery } from './dto/assignment.dto.js';
import { assignmentStatus, memberStatus, occurrenceStatus } from '../homework/homework-status.js';
import { practiceToday } from '../practices/practice-today.js';
import { daysBetween, planOccurrences } from './schedule.js';
import { RemindersService } from '../reminders/reminders.service.js';

interface AssignmentRow {
  id: string;
  practice_id: string;
  client_id: string | null;
  couple_id: string | null;
  subject_name: string;
  exercise_ref: string;
  exercise_version: number;
  exercise: Exercise;
  instructions: string;
  recurrence: Recurrence;
  occurrence_count: number;
  sharing: SharingMode | null;
  assigned_by: string;
  assigned_by_name: string;
  created_at: Date;
  cancelled_at: Date | null;
  version: number;
  done: number;
  overdue: number;
  started: boolean;
  first_due: string;
  last_due: string;
  next_seq: number | null;
  next_due: string | null;
}

interface ResponseRow {
  practice_id: string;
  id: string;
  seq: number;
  client_id: string;
  status: 'draft' | 'submitted';
  key_id: string;
  answers_enc: Buffer;
  created_at: Date;
  submitted_at: Date | null;
  reviewed_at: Date | null;
}

/** Every assignment read: the subject's name and progress counts come along in one query. `$2` is today. */
const SELECT = `
  SELECT a.id, a.practice_id, a.client_id, a.couple_id, COALESCE(cl.name, cp.display_name) AS subject_name,
         a.exercise_ref, a.exercise_version, a.exercise, a.instructions, a.recurrence, a.occurrence_count, a.sharing,
         a.assigned_by, u.name AS assigned_by_name, a.created_at, a.cancelled_at, a.version,
         s.done, s.overdue, to_char(s.first_due, 'YYYY-MM-DD') AS first_due, to_char(s.last_due, 'YYYY-MM-DD') AS last_due,
         n.seq AS next_seq, to_char(n.due_on, 'YYYY-MM-DD') AS next_due,
         EXISTS (SELECT 1 FROM response r WHERE r.practice_id = a.practice_id AND r.assignment_id = a.id) AS started
    FROM assignment a
    JOIN staff_user u ON u.practice_id = a.practice_id AND u.id = a.assigned_by
    LEFT JOIN client cl ON cl.practice_id = a.practice_id AND cl.id = a.client_id
    LEFT JOIN couple cp ON cp.practice_id = a.practice_id AND cp.id = a.couple_id
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE o.pending = 0)::int AS done,
             count(*) FILTER (WHERE o.pending > 0 AND NOT o.cancelled AND o.due_on < $2::date)::int AS overdue,
             min(o.due_on) AS first_due, max(o.due_on) AS last_due
        FROM assignment_occurrence o WHERE o.practice_id = a.practice_id AND o.assignment_id = a.id) s
    LEFT JOIN LATERAL (
      SELECT o.seq, o.due_on FROM assignment_occurrence o
       WHERE o.practice_id = a.practice_id AND o.assignment_id = a.id AND o.pending > 0 AND NOT o.cancelled
       ORDER BY o.seq LIMIT 1) n ON true`;

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

    const id = crypto.randomUUID();
    await this.writes.transaction(actor, async (tx, audit) => {
      const members = await this.lockMembers(tx, actor.practiceId, subject, exercise, dto.sharing ?? 'private');
      await tx.query(
        `INSERT INTO assignment (practice_id, id, client_id, couple_id, exercise_ref, exercise_version, exercise, instructions, recurrence, occurrence_count, sharing, assigned_by, remind)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          actor.practiceId,
          id,
          isCouple ? null : subject.clientId,
          isCouple ? subject.coupleId : null,
          library.id,
          exercise.version,
          JSON.stringify(exercise),
          dto.instructions.trim(),
          dto.recurrence,
          planned.length,
          isCouple ? (dto.sharing ?? 'private') : null,
          actor.userId,
          dto.remind === true,
        ],
      );
      await tx.query(
        `INSERT INTO assignment_member (practice_id, assignment_id, client_id) SELECT $1, $2, unnest($3::uuid[])`,
        [actor.practiceId, id, members],
      );
      await tx.query(
        `INSERT INTO assignment_occurrence (practice_id, assignment_id, seq, client_id, couple_id, opens_on, due_on, pending)
         SELECT $1, $2, seq, $3, $4, opens_on, due_on, $5
           FROM unnest($6::int[], $7::date[], $8::date[]) AS t(seq, opens_on, due_on)`,
        [
          actor.practiceId,
          id,
          isCouple ? null : subject.clientId,
          isCouple ? subject.coupleId : null,
          members.length,
          planned.map((p) => p.seq),
          planned.map((p) => p.opensOn),
          planned.map((p) => p.dueOn),
        ],
      );
      await audit.record({
        action: 'assignment.created',
        recordType: 'assignment',
        recordId: id,
        subjectId: isCouple ? subject.coupleId : subject.clientId,
        detail: { exercise: library.id, version: exercise.version, recurrence: dto.recurrence, occurrences: planned.length, remind: dto.remind === true },
      });
      if (dto.remind) {
        await this.reminders.assigned(tx, audit, { practiceId: actor.practiceId, assignmentId: id, assignedBy: actor.userId, coupleId: isCouple ? subject.coupleId : null });
      }
    });
    return this.get(actor, id);
  }

  async list(actor: StaffActor, query: ListAssignmentsQuery): Promise<Page<AssignmentSummary>> {
    const subject = requireOneSubject(query);
    await this.access.subject(actor, subject);
    const limit = pageLimit(query.limit);
    const cursorScope = { list: 'assignments', practiceId: actor.practiceId, within: 'coupleId' in subject ? subject.coupleId : subject.clientId };
    const after = this.cursors.decode(query.cursor, cursorScope, ['timestamp', 'uuid']);
    const today = await practiceToday(this.db, actor);
    const params: unknown[] = [actor.practiceId, today];
    const add = (v: unknown) => `$${params.push(v)}`;
    const isCouple = 'coupleId' in subject;
    const where = ['a.practice_id = $1', isCouple ? `a.couple_id = ${add(subject.coupleId)}` : `a.client_id = ${add(subject.clientId)}`];
    if (query.since) {
      const since = add(query.since);
      where.push(
        `(a.created_at >= ${since}::date OR EXISTS (SELECT 1 FROM assignment_occurrence o WHERE o.practice_id = a.practice_id AND o.assignment_id = a.id AND o.due_on >= ${since}::date))`,
      );
    }
    if (after) where.push(`(a.created_at, a.id) < (${add(after[0])}::timestamptz, ${add(after[1])}::uuid)`);
    const rows = (await this.db.query(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC LIMIT ${add(limit + 1)}`, params)) as AssignmentRow[];
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items: rows.slice(0, limit).map(toSummary), nextCursor: last ? this.cursors.encode(cursorScope, [last.created_at.toISOString(), last.id]) : null };
  }

  async get(actor: StaffActor, id: string): Promise<AssignmentDetail> {
    const today = await practiceToday(this.db, actor);
    const row = await this.find(this.db, actor.practiceId, id, today);
    const access = await this.access.subject(actor, subjectOf(row));
    const answersVisible = access.may.answers.read;
    const [occurrences, members, responses] = await Promise.all([
      this.db.query(
        `SELECT seq, to_char(opens_on, 'YYYY-MM-DD') AS opens_on, to_char(due_on, 'YYYY-MM-DD') AS due_on, cancelled
           FROM assignment_occurrence WHERE practice_id = $1 AND assignment_id = $2 ORDER BY seq`,
        [actor.practiceId, id],
      ) as Promise<Array<{ seq: number; opens_on: string; due_on: string; cancelled: boolean }>>,
      this.members(this.db, actor.practiceId, id),
      this.db.query(
        `SELECT practice_id, id, seq, client_id, status, key_id, ${answersVisible ? 'answers_enc' : `''::bytea AS answers_enc`}, created_at, submitted_at, reviewed_at
           FROM response WHERE practice_id = $1 AND assignment_id = $2`,
        [actor.practiceId, id],
      ) as Promise<ResponseRow[]>,
    ]);
    const bySeq = new Map<number, Map<string, ResponseRow>>();
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
    await this.writes.transaction(actor, async (tx, audit) => {
      const today = await practiceToday(tx, actor);
      const row = await this.find(tx, actor.practiceId, id, today);
      await this.assertOnTeam(actor, row, tx);
      if (row.version !== dto.version) throw this.stale();
      if (row.cancelled_at) throw new ConflictError('cancelled', 'This assignment was cancelled; assign the exercise again instead.');
      if (row.next_seq === null) throw new RuleViolationError('nothing_open', 'Every occurrence of this assignment is done: there is no due date left to change.');
      if (dto.dueOn < today) throw new ValidationFailedError({ dueOn: 'must be today or later' });
      const shift = daysBetween(row.next_due!, dto.dueOn);
      await tx.query(
        `UPDATE assignment_occurrence
            SET due_on = due_on + $4::int,
                opens_on = CASE WHEN seq = $3 THEN LEAST(opens_on, due_on + $4::int) ELSE opens_on + $4::int END
          WHERE practice_id = $1 AND assignment_id = $2 AND seq >= $3 AND pending > 0`,
        [actor.practiceId, id, row.next_seq, shift],
      );
      await this.bumpVersion(tx, actor.practiceId, id, dto.version);
      await audit.record({ action: 'assignment.rescheduled', recordType: 'assignment', recordId: id, subjectId: row.client_id ?? row.couple_id!, detail: { from: row.next_due, to: dto.dueOn } });
    });
    return this.get(actor, id);
  }

  /** Cancelling keeps what was done; open occurrences stop counting as due or overdue. */
  async cancel(actor: StaffActor, id: string, version: number): Promise<AssignmentDetail> {
    await this.writes.transaction(actor, async (tx, audit) => {
      const today = await practiceToday(tx, actor);
      const row = await this.find(tx, actor.practiceId, id, today);
      await this.assertOnTeam(actor, row, tx);
      if (row.version !== version) throw this.stale();
      if (row.cancelled_at) return;
      await tx.query(`UPDATE assignment SET cancelled_at = now(), cancelled_by = $3 WHERE practice_id = $1 AND id = $2`, [actor.practiceId, id, actor.userId]);
      await tx.query(`UPDATE assignment_occurrence SET cancelled = true WHERE practice_id = $1 AND assignment_id = $2 AND pending > 0`, [actor.practiceId, id]);
      await this.bumpVersion(tx, actor.practiceId, id, version);
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
    const assignments = (await this.db.query(
      `SELECT a.id, a.exercise FROM assignment a
        WHERE a.practice_id = $1 AND ${isCouple ? 'a.couple_id' : 'a.client_id'} = $2
          AND jsonb_path_exists(a.exercise, '$.steps[*] ? (@.kind == "scale")')
        ORDER BY a.created_at DESC, a.id DESC LIMIT 12`,
      [actor.practiceId, subjectId],
    )) as Array<{ id: string; exercise: Exercise }>;
    if (assignments.length === 0) return { series: [] };
    const ids = assignments.map((a) => a.id);
    const [occurrences, members, responses] = await Promise.all([
      this.db.query(
        `SELECT assignment_id, seq, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM assignment_occurrence
          WHERE practice_id = $1 AND assignment_id = ANY($2::uuid[]) ORDER BY assignment_id, seq`,
        [actor.practiceId, ids],
      ) as Promise<Array<{ assignment_id: string; seq: number; due_on: string }>>,
      this.db.query(
        `SELECT am.assignment_id, c.id, c.name FROM assignment_member am JOIN client c ON c.practice_id = am.practice_id AND c.id = am.client_id
          WHERE am.practice_id = $1 AND am.assignment_id = ANY($2::uuid[]) ORDER BY c.name, c.id`,
        [actor.practiceId, ids],
      ) as Promise<Array<{ assignment_id: string; id: string; name: string }>>,
      this.db.query(
        `SELECT practice_id, id, assignment_id, seq, client_id, status, key_id, answers_enc, created_at, submitted_at FROM response
          WHERE practice_id = $1 AND assignment_id = ANY($2::uuid[]) AND status = 'submitted'`,
        [actor.practiceId, ids],
      ) as Promise<Array<ResponseRow & { assignment_id: string }>>,
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
    const rows = (await this.db.query(
      `SELECT r.practice_id, r.id, r.key_id, r.answers_enc, r.submitted_at, r.assignment_id, a.exercise->>'title' AS title, c.id AS client_id, c.name AS client_name
         FROM response r
         JOIN assignment a ON a.practice_id = r.practice_id AND a.id = r.assignment_id
         JOIN client c ON c.practice_id = r.practice_id AND c.id = r.client_id
        WHERE r.practice_id = $1 AND ${isCouple ? 'r.couple_id = $2' : 'r.client_id = $2 AND r.couple_id IS NULL'}
          AND r.status = 'submitted' AND r.updated_at >= COALESCE($3::date, '-infinity'::date)
          AND jsonb_path_exists(a.exercise, '$.steps[*] ? (@.id == "${BRING_TO_SESSION}")')
        ORDER BY r.updated_at DESC, r.id DESC LIMIT 20`,
      [actor.practiceId, subjectId, query.since ?? null],
    )) as Array<ResponseRow & { assignment_id: string; title: string; client_name: string }>;
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
  private async lockMembers(tx: SqlRunner, practiceId: string, subject: Subject, exercise: Exercise, sharing: SharingMode): Promise<string[]> {
    if ('clientId' in subject) {
      const [client] = (await tx.query(`SELECT status, name FROM client WHERE practice_id = $1 AND id = $2`, [practiceId, subject.clientId])) as Array<{
        status: string;
        name: string;
      }>;
      if (client!.status !== 'active') throw new RuleViolationError('client_discharged', `${client!.name} is discharged. Reactivate the client before assigning homework.`);
      return [subject.clientId];
    }
    const [couple] = (await tx.query(`SELECT display_name, conjoint_safety FROM couple WHERE practice_id = $1 AND id = $2 FOR SHARE`, [
      practiceId,
      subject.coupleId,
    ])) as Array<{ display_name: string; conjoint_safety: string }>;
    if (exercise.safety.requiresScreening && couple!.conjoint_safety !== 'cleared') {
      const why = couple!.conjoint_safety === 'concern' ? 'a safety concern is recorded for this couple' : 'this couple has not been screened for conjoint work yet';
      throw new RuleViolationError(
        'screening_required',
        `“${exercise.title}” needs conjoint-safety screening, and ${why}. Record a screening of “cleared” on the couple’s page first, or choose an exercise that does not need it.`,
      );
    }
    const refusal = sharingRefusal(exercise, sharing, couple!.conjoint_safety);
    if (refusal) throw new RuleViolationError('sharing_not_allowed', refusal);
    const members = (await tx.query(
      `SELECT c.id, c.status FROM couple_member cm JOIN client c ON c.practice_id = cm.practice_id AND c.id = cm.client_id
        WHERE cm.practice_id = $1 AND cm.couple_id = $2 AND cm.left_at IS NULL`,
      [practiceId, subject.coupleId],
    )) as Array<{ id: string; status: string }>;
    if (members.length < 2) throw new RuleViolationError('couple_incomplete', 'This couple has fewer than two current members, so there is nobody to do it together.');
    if (members.some((m) => m.status !== 'active')) {
      throw new RuleViolationError('member_discharged', 'A member of this couple is discharged. Reactivate them, or update the couple’s members, first.');
    }
    return members.map((m) => m.id);
  }

  private members(runner: SqlRunner, practiceId: string, assignmentId: string) {
    return runner.query(
      `SELECT c.id, c.name FROM assignment_member am JOIN client c ON c.practice_id = am.practice_id AND c.id = am.client_id
        WHERE am.practice_id = $1 AND am.assignment_id = $2 ORDER BY c.name, c.id`,
      [practiceId, assignmentId],
    ) as Promise<Array<{ id: string; name: string }>>;
  }

  private async assertOnTeam(actor: StaffActor, row: AssignmentRow, runner: SqlRunner) {
    const access = await this.access.subject(actor, subjectOf(row), runner);
    if (!access.may.homework.edit) throw new ForbiddenError('Only a clinician on the care team changes homework.');
  }

  private async bumpVersion(tx: SqlRunner, practiceId: string, id: string, version: number) {
    const bumped = await modify(tx, `UPDATE assignment SET version = version + 1 WHERE practice_id = $1 AND id = $2 AND version = $3 RETURNING id`, [practiceId, id, version]);
    if (bumped.length === 0) throw this.stale();
  }

  private stale() {
    return new ConflictError('stale_version', 'This assignment changed since you opened it. Reload it and try again.');
  }

  private async find(runner: SqlRunner, practiceId: string, id: string, today: string): Promise<AssignmentRow> {
    const [row] = (await runner.query(`${SELECT} WHERE a.practice_id = $1 AND a.id = $3`, [practiceId, today, id])) as AssignmentRow[];
    if (!row) throw new NotFoundError('assignment');
    return row;
  }
}
