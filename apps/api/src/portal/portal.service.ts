import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import {
  measureOfExercise,
  validateAnswers,
  type Answers,
  type Exercise,
  type Page,
  type PartnerAnswers,
  type PortalHome,
  type PortalItem,
  type PortalMe,
  type PortalOccurrence,
  type SavedResponse,
  type SharingMode,
} from '@tandem/shared';
import type { PortalActor } from '../access/actor.js';
import { partnerAnswersShown, portalReaches } from '../access/rules.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { AlertsService } from '../safety/alerts.service.js';
import { MeasureScoring } from '../measures/measure-scoring.service.js';
import { CrisisResourcesService } from '../safety/crisis-resources.service.js';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/app-error.js';
import { PageCursors, pageLimit } from '../common/cursor.js';
import { modify, type SqlRunner } from '../common/sql.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';
import type { FieldCipher } from '../encryption/field-cipher.js';
import { openAnswers, sealAnswers } from '../homework/answers-cipher.js';
import { memberStatus } from '../homework/homework-status.js';
import { practiceToday } from '../practices/practice-today.js';
import type { PortalHistoryQuery, SaveDraftDto, SubmitResponseDto } from './dto/portal.dto.js';

interface OccurrenceRow {
  assignment_id: string;
  practice_id: string;
  exercise: Exercise;
  instructions: string;
  sharing: SharingMode | null;
  couple_id: string | null;
  assignment_cancelled: boolean;
  seq: number;
  opens_on: string;
  due_on: string;
  cancelled: boolean;
  response_id: string | null;
  status: 'draft' | 'submitted' | null;
  key_id: string | null;
  answers_enc: Buffer | null;
  version: number | null;
  updated_at: Date | null;
  submitted_at: Date | null;
  submission_id: string | null;
}

interface ItemRow {
  assignment_id: string;
  title: string;
  minutes: number;
  seq: number;
  due_on: string;
  with_partner: boolean;
  status: 'draft' | 'submitted' | null;
  submitted_at: Date | null;
  updated_at: Date | null;
  response_id: string | null;
}

const UNIQUE_VIOLATION = '23505';

/** Every portal query that reaches assignments says which the client still reaches (the access rules' portalReaches). */
const stillReaches = portalReaches;

/** The name a client is greeted by: their preferred name, or the first word of their name. */
export const firstName = (name: string, preferred: string | null) => preferred?.trim() || name.trim().split(/\s+/)[0] || name;

/**
 * The client's side of homework. Everything is scoped to the portal
 * session's client: an assignment they are not a member of, or an occurrence
 * not yet open, does not exist for them (404). Answers are validated by the
 * same shared function the portal runs as they type, and a submission is
 * idempotent: a retry with the same submission id returns the first result.
 */
@Injectable()
export class PortalService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
    @Inject(AlertsService) private readonly alerts: AlertsService,
    @Inject(CrisisResourcesService) private readonly crisis: CrisisResourcesService,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @Inject(MeasureScoring) private readonly measures: MeasureScoring,
  ) {}

  async me(actor: PortalActor): Promise<PortalMe> {
    const [row] = (await this.db.query(
      `SELECT c.name, c.preferred_name, p.name AS practice_name FROM client c JOIN practice p ON p.id = c.practice_id WHERE c.practice_id = $1 AND c.id = $2`,
      [actor.practiceId, actor.clientId],
    )) as Array<{ name: string; preferred_name: string | null; practice_name: string }>;
    return {
      clientId: actor.clientId,
      firstName: firstName(row!.name, row!.preferred_name),
      practiceName: row!.practice_name,
      crisisResources: await this.crisis.forPractice(actor.practiceId),
    };
  }

  async home(actor: PortalActor): Promise<PortalHome> {
    const today = await practiceToday(this.db, actor);
    const todo = (await this.db.query(
      `SELECT a.id AS assignment_id, a.exercise->>'title' AS title, (a.exercise->>'minutes')::int AS minutes, o.seq,
              to_char(o.due_on, 'YYYY-MM-DD') AS due_on, a.couple_id IS NOT NULL AS with_partner, r.status, r.submitted_at, r.updated_at, r.id AS response_id
         FROM assignment_member am
         JOIN assignment a ON a.practice_id = am.practice_id AND a.id = am.assignment_id
         JOIN assignment_occurrence o ON o.practice_id = am.practice_id AND o.assignment_id = am.assignment_id
         LEFT JOIN response r ON r.practice_id = o.practice_id AND r.assignment_id = o.assignment_id AND r.seq = o.seq AND r.client_id = am.client_id
        WHERE am.practice_id = $1 AND am.client_id = $2 AND o.opens_on <= $3::date AND NOT o.cancelled AND o.pending > 0
          AND (r.status IS NULL OR r.status = 'draft')
          AND ${stillReaches('a', '$2')}
        ORDER BY o.due_on, a.id, o.seq LIMIT 50`,
      [actor.practiceId, actor.clientId, today],
    )) as ItemRow[];
    const done = await this.history(actor, { limit: '10' });
    return { todo: todo.map((r) => this.item(r, today)), done: done.items };
  }

  /** Submitted homework, newest first, a page at a time. */
  async history(actor: PortalActor, query: PortalHistoryQuery): Promise<Page<PortalItem>> {
    const limit = pageLimit(query.limit, 20);
    const cursorScope = { list: 'portal-history', practiceId: actor.practiceId, within: actor.clientId };
    const after = this.cursors.decode(query.cursor, cursorScope, ['timestamp', 'uuid']);
    const params: unknown[] = [actor.practiceId, actor.clientId];
    const add = (v: unknown) => `$${params.push(v)}`;
    const where = [`r.practice_id = $1`, `r.client_id = $2`, `r.status = 'submitted'`, stillReaches('a', '$2')];
    if (after) where.push(`(r.updated_at, r.id) < (${add(after[0])}::timestamptz, ${add(after[1])}::uuid)`);
    const rows = (await this.db.query(
      `SELECT a.id AS assignment_id, a.exercise->>'title' AS title, (a.exercise->>'minutes')::int AS minutes, r.seq,
              to_char(o.due_on, 'YYYY-MM-DD') AS due_on, a.couple_id IS NOT NULL AS with_partner, r.status, r.submitted_at, r.updated_at, r.id AS response_id
         FROM response r
         JOIN assignment a ON a.practice_id = r.practice_id AND a.id = r.assignment_id
         JOIN assignment_occurrence o ON o.practice_id = r.practice_id AND o.assignment_id = r.assignment_id AND o.seq = r.seq
        WHERE ${where.join(' AND ')}
        ORDER BY r.updated_at DESC, r.id DESC LIMIT ${add(limit + 1)}`,
      params,
    )) as ItemRow[];
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items: rows.slice(0, limit).map((r) => this.item(r, '')),
      nextCursor: last ? this.cursors.encode(cursorScope, [last.updated_at!.toISOString(), last.response_id!]) : null,
    };
  }

  async occurrence(actor: PortalActor, assignmentId: string, seq: number): Promise<PortalOccurrence> {
    const today = await practiceToday(this.db, actor);
    const row = await this.find(this.db, actor, assignmentId, seq, today);
    const answers = row.response_id
      ? openAnswers(this.cipher, { practice_id: row.practice_id, id: row.response_id, key_id: row.key_id!, answers_enc: row.answers_enc! })
      : {};
    const partners = await this.partners(actor, row);
    const revealed = partners.filter((p) => p.answers !== null).length;
    if (row.response_id || revealed > 0) {
      await this.writes.event(actor, {
        action: 'response.read',
        recordType: 'assignment',
        recordId: assignmentId,
        subjectId: row.couple_id ?? actor.clientId,
        detail: { seq, partnersRevealed: revealed },
      });
    }
    return {
      assignmentId,
      seq,
      title: row.exercise.title,
      summary: row.exercise.summary,
      minutes: row.exercise.minutes,
      instructions: row.instructions,
      dueOn: row.due_on,
      status: memberStatus({ dueOn: row.due_on, cancelled: row.cancelled }, row.status ? { status: row.status } : undefined, today),
      submittedAt: row.submitted_at?.toISOString() ?? null,
      withPartner: row.couple_id !== null,
      steps: row.exercise.steps,
      answers,
      version: row.version ?? 0,
      sharing: row.sharing,
      partners,
      measure: measureOfExercise(row.exercise)?.id ?? null,
    };
  }

  /** Autosave: a draft names the version it was based on, so two open tabs never silently overwrite each other. */
  async saveDraft(actor: PortalActor, assignmentId: string, seq: number, dto: SaveDraftDto): Promise<SavedResponse> {
    return this.writes.transaction(actor, async (tx, audit) => {
      const today = await practiceToday(tx, actor);
      const row = await this.find(tx, actor, assignmentId, seq, today, true);
      this.assertWritable(row);
      if (row.status === 'submitted') throw new ConflictError('already_submitted', 'You have already submitted this one, so it can no longer change.');
      this.checkAnswers(row.exercise, dto.answers, 'draft');
      let saved: Array<{ version: number; updated_at: Date }>;
      if (!row.response_id) {
        if (dto.version !== 0) throw this.staleDraft();
        const id = crypto.randomUUID();
        const sealed = sealAnswers(this.cipher, actor.practiceId, id, dto.answers);
        saved = (await this.insertOrConflict(
          tx,
          `INSERT INTO response (practice_id, id, assignment_id, seq, client_id, couple_id, key_id, answers_enc)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING version, updated_at`,
          [actor.practiceId, id, assignmentId, seq, actor.clientId, row.couple_id, sealed.keyId, sealed.ciphertext],
        )) as Array<{ version: number; updated_at: Date }>;
      } else {
        if (dto.version !== row.version) throw this.staleDraft();
        const sealed = sealAnswers(this.cipher, actor.practiceId, row.response_id, dto.answers);
        saved = await modify(
          tx,
          `UPDATE response SET answers_enc = $3, key_id = $4, version = version + 1, updated_at = now()
            WHERE practice_id = $1 AND id = $2 AND status = 'draft' RETURNING version, updated_at`,
          [actor.practiceId, row.response_id, sealed.ciphertext, sealed.keyId],
        );
        if (saved.length === 0) throw this.staleDraft();
      }
      await audit.record({ action: 'response.draft_saved', recordType: 'assignment', recordId: assignmentId, subjectId: row.couple_id ?? actor.clientId, detail: { seq } });
      return { version: saved[0]!.version, status: 'draft', savedAt: saved[0]!.updated_at.toISOString(), submittedAt: null };
    });
  }

  /**
   * Submits the answers. The first submission wins; a retry carrying the same
   * submission id gets the same answer back (never a second response), and a
   * different one is a 409.
   */
  async submit(actor: PortalActor, assignmentId: string, seq: number, dto: SubmitResponseDto): Promise<SavedResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.submitOnce(actor, assignmentId, seq, dto);
      } catch (error) {
        // Two copies of one submission racing: the loser retries and finds the winner's row.
        if (attempt === 0 && error instanceof QueryFailedError && (error.driverError as { code?: string })?.code === UNIQUE_VIOLATION) continue;
        throw error;
      }
    }
  }

  private async submitOnce(actor: PortalActor, assignmentId: string, seq: number, dto: SubmitResponseDto): Promise<SavedResponse> {
    return this.writes.transaction(actor, async (tx, audit) => {
      const today = await practiceToday(tx, actor);
      const row = await this.find(tx, actor, assignmentId, seq, today, true);
      if (row.status === 'submitted') {
        if (row.submission_id === dto.submissionId) {
          return { version: row.version!, status: 'submitted', savedAt: row.updated_at!.toISOString(), submittedAt: row.submitted_at!.toISOString() };
        }
        throw new ConflictError('already_submitted', 'You have already submitted this one. Your answers are with your clinician.');
      }
      this.assertWritable(row);
      this.checkAnswers(row.exercise, dto.answers, 'submit');
      const id = row.response_id ?? crypto.randomUUID();
      const sealed = sealAnswers(this.cipher, actor.practiceId, id, dto.answers);
      const saved = row.response_id
        ? await modify<{ version: number; updated_at: Date; submitted_at: Date }>(
            tx,
            `UPDATE response SET answers_enc = $3, key_id = $4, status = 'submitted', submission_id = $5, submitted_at = now(),
                    version = version + 1, updated_at = now()
              WHERE practice_id = $1 AND id = $2 AND status = 'draft' RETURNING version, updated_at, submitted_at`,
            [actor.practiceId, id, sealed.ciphertext, sealed.keyId, dto.submissionId],
          )
        : ((await tx.query(
            `INSERT INTO response (practice_id, id, assignment_id, seq, client_id, couple_id, key_id, answers_enc, status, submission_id, submitted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'submitted', $9, now()) RETURNING version, updated_at, submitted_at`,
            [actor.practiceId, id, assignmentId, seq, actor.clientId, row.couple_id, sealed.keyId, sealed.ciphertext, dto.submissionId],
          )) as Array<{ version: number; updated_at: Date; submitted_at: Date }>);
      await tx.query(`UPDATE assignment_occurrence SET pending = pending - 1 WHERE practice_id = $1 AND assignment_id = $2 AND seq = $3`, [
        actor.practiceId,
        assignmentId,
        seq,
      ]);
      await audit.record({ action: 'response.submitted', recordType: 'assignment', recordId: assignmentId, subjectId: row.couple_id ?? actor.clientId, detail: { seq } });
      if (saved[0]) {
        const submitted = { practiceId: actor.practiceId, responseId: id, clientId: actor.clientId, coupleId: row.couple_id, assignmentId, seq, exercise: row.exercise, answers: dto.answers };
        await this.measures.recordSubmitted(tx, audit, submitted);
        await this.alerts.raiseFor(tx, audit, submitted);
      }
      const result = saved[0];
      if (!result) throw new ConflictError('already_submitted', 'You have already submitted this one. Your answers are with your clinician.');
      return { version: result.version, status: 'submitted', savedAt: result.updated_at.toISOString(), submittedAt: result.submitted_at.toISOString() };
    });
  }

  /**
   * The other members of a couple's assignment who are still in the couple:
   * whether each has submitted, and their answers only when sharing reveals
   * them and everyone (this client included) has submitted.
   */
  private async partners(actor: PortalActor, row: OccurrenceRow): Promise<PartnerAnswers[]> {
    if (!row.couple_id) return [];
    const others = (await this.db.query(
      `SELECT c.name, c.preferred_name, r.practice_id, r.id, r.status, r.key_id, r.answers_enc
         FROM assignment_member am
         JOIN client c ON c.practice_id = am.practice_id AND c.id = am.client_id
         LEFT JOIN response r ON r.practice_id = am.practice_id AND r.assignment_id = am.assignment_id AND r.seq = $3 AND r.client_id = am.client_id
        WHERE am.practice_id = $1 AND am.assignment_id = $2 AND am.client_id <> $4
          AND EXISTS (SELECT 1 FROM couple_member cm WHERE cm.practice_id = am.practice_id AND cm.couple_id = $5 AND cm.client_id = am.client_id AND cm.left_at IS NULL)
        ORDER BY c.name, c.id`,
      [actor.practiceId, row.assignment_id, row.seq, actor.clientId, row.couple_id],
    )) as Array<{ name: string; preferred_name: string | null; practice_id: string | null; id: string | null; status: string | null; key_id: string | null; answers_enc: Buffer | null }>;
    const reveal = partnerAnswersShown(row.sharing, [row.status, ...others.map((o) => o.status)].map((status) => status === 'submitted'));
    return others.map((o) => ({
      firstName: firstName(o.name, o.preferred_name),
      done: o.status === 'submitted',
      answers: reveal ? openAnswers(this.cipher, o as { practice_id: string; id: string; key_id: string; answers_enc: Buffer }) : null,
    }));
  }

  private item(r: ItemRow, today: string): PortalItem {
    return {
      assignmentId: r.assignment_id,
      seq: r.seq,
      title: r.title,
      minutes: r.minutes,
      dueOn: r.due_on,
      status: r.status === 'submitted' ? 'done' : r.due_on < today ? 'overdue' : r.status === 'draft' ? 'in-progress' : 'assigned',
      submittedAt: r.submitted_at?.toISOString() ?? null,
      withPartner: r.with_partner,
    };
  }

  private assertWritable(row: OccurrenceRow) {
    if (row.assignment_cancelled || row.cancelled) {
      throw new ConflictError('cancelled', 'Your clinician has taken this exercise off your list, so it can no longer be saved.');
    }
  }

  private checkAnswers(exercise: Exercise, answers: Answers, mode: 'draft' | 'submit') {
    const check = validateAnswers(exercise.steps, answers, { mode });
    if (!check.ok) {
      throw new ValidationFailedError(
        Object.fromEntries(Object.entries(check.errors).map(([step, message]) => [`answers.${step}`, message])),
        mode === 'submit' ? 'Some answers need attention before you submit.' : 'Some answers could not be saved.',
      );
    }
  }

  private staleDraft() {
    return new ConflictError('stale_version', 'These answers were changed in another window. Reload to see the latest; what you typed here is still on screen.');
  }

  private async insertOrConflict(tx: SqlRunner, sql: string, params: unknown[]): Promise<unknown[]> {
    try {
      return (await tx.query(sql, params)) as unknown[];
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string })?.code === UNIQUE_VIOLATION) throw this.staleDraft();
      throw error;
    }
  }

  /** The occurrence as this client sees it: a member, and open. `lock` takes the response row for a write. */
  private async find(runner: SqlRunner, actor: PortalActor, assignmentId: string, seq: number, today: string, lock = false): Promise<OccurrenceRow> {
    if (lock) {
      // Writes to one occurrence take turns; the read below then starts after any earlier write committed.
      await runner.query(`SELECT 1 FROM assignment_occurrence WHERE practice_id = $1 AND assignment_id = $2 AND seq = $3 FOR UPDATE`, [
        actor.practiceId,
        assignmentId,
        seq,
      ]);
    }
    const [row] = (await runner.query(
      `SELECT a.id AS assignment_id, a.practice_id, a.exercise, a.instructions, a.sharing, a.couple_id, a.cancelled_at IS NOT NULL AS assignment_cancelled,
              o.seq, to_char(o.opens_on, 'YYYY-MM-DD') AS opens_on, to_char(o.due_on, 'YYYY-MM-DD') AS due_on, o.cancelled,
              r.id AS response_id, r.status, r.key_id, r.answers_enc, r.version, r.updated_at, r.submitted_at, r.submission_id
         FROM assignment_member am
         JOIN assignment a ON a.practice_id = am.practice_id AND a.id = am.assignment_id
         JOIN assignment_occurrence o ON o.practice_id = am.practice_id AND o.assignment_id = am.assignment_id AND o.seq = $4
         LEFT JOIN response r ON r.practice_id = o.practice_id AND r.assignment_id = o.assignment_id AND r.seq = o.seq AND r.client_id = am.client_id
        WHERE am.practice_id = $1 AND am.client_id = $2 AND am.assignment_id = $3 AND o.opens_on <= $5::date
          AND ${stillReaches('a', '$2')}`,
      [actor.practiceId, actor.clientId, assignmentId, seq, today],
    )) as OccurrenceRow[];
    if (!row) throw new NotFoundError('exercise');
    return row;
  }
}
