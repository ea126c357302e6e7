import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { sql, type ExpressionBuilder, type Nullable } from 'kysely';
import type { DB } from '../db/schema.js';
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
import { PageCursors } from '../common/cursor.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import { Keyset, keysetForm, type KeysetForm, type KeysetSlots, type KeysetSpec } from '../db/keyset.js';
import { compiledOnce, compiledPerForm, type Slots } from '../db/compiled-once.js';
import { slot, sqlText } from '../db/sql-text.js';
import type { SqlRunner } from '../common/sql.js';
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

const HISTORY_BY_UPDATE = (practiceId: string, clientId: string): KeysetSpec<{ updated_at: Date; response_id: string }> => ({
  scope: { list: 'portal-history', practiceId, within: clientId },
  direction: 'desc',
  keys: [
    { by: 'r.updated_at', part: 'timestamp', of: (r) => r.updated_at.toISOString() },
    { by: 'r.id', part: 'uuid', of: (r) => r.response_id },
  ],
});

/** Every portal query that reaches assignments says which the client still reaches (the access rules' portalReaches). */
const stillReaches = portalReaches;

/** The name a client is greeted by: their preferred name, or the first word of their name. */
export const firstName = (name: string, preferred: string | null) => preferred?.trim() || name.trim().split(/\s+/)[0] || name;

/** The tables a portal homework item is read from: the assignment, the occurrence and the client's response (joined, or left-joined: R). */
type ItemSources<R> = { a: DB['assignment']; o: DB['assignment_occurrence']; r: R };

/** A portal homework item's columns (ItemRow), for the open list and the history alike. */
const itemColumns = <R extends DB['response'] | Nullable<DB['response']>>(eb: ExpressionBuilder<ItemSources<R>, keyof ItemSources<R>>) => [
  eb.ref('a.id').as('assignment_id'),
  sql<string>`a.exercise->>'title'`.as('title'),
  sql<number>`(a.exercise->>'minutes')::int`.as('minutes'),
  eb.ref('o.seq').as('seq'),
  sql<string>`to_char(o.due_on, 'YYYY-MM-DD')`.as('due_on'),
  sql<boolean>`a.couple_id IS NOT NULL`.as('with_partner'),
  eb.ref('r.status').$castTo<ItemRow['status']>().as('status'),
  eb.ref('r.submitted_at').as('submitted_at'),
  eb.ref('r.updated_at').as('updated_at'),
  eb.ref('r.id').as('response_id'),
];

/** A client's open homework in the portal, soonest due first (compiled once: the portal's first screen). */
const openHomework = compiledOnce((db, p: Slots<{ practiceId: string; clientId: string; today: string }>) =>
  db
    .selectFrom('assignment_member as am')
    .innerJoin('assignment as a', (j) => j.onRef('a.practice_id', '=', 'am.practice_id').onRef('a.id', '=', 'am.assignment_id'))
    .innerJoin('assignment_occurrence as o', (j) => j.onRef('o.practice_id', '=', 'am.practice_id').onRef('o.assignment_id', '=', 'am.assignment_id'))
    .leftJoin('response as r', (j) =>
      j.onRef('r.practice_id', '=', 'o.practice_id').onRef('r.assignment_id', '=', 'o.assignment_id').onRef('r.seq', '=', 'o.seq').onRef('r.client_id', '=', 'am.client_id'),
    )
    .select(itemColumns<Nullable<DB['response']>>)
    .where('am.practice_id', '=', p.practiceId)
    .where('am.client_id', '=', p.clientId)
    .where(sql<boolean>`o.opens_on <= ${p.today}::date AND NOT o.cancelled AND o.pending > 0`)
    .where(sql<boolean>`(r.status IS NULL OR r.status = 'draft')`)
    .where(sqlText<boolean>(stillReaches('a', slot('clientId')), p))
    .orderBy('o.due_on')
    .orderBy('a.id')
    .orderBy('o.seq')
    .limit(50),
);

/** A client's submitted homework, newest first, a page at a time (compiled per form: the first page is on the portal's first screen). */
const submittedHomework = compiledPerForm((db, p: Slots<{ practiceId: string; clientId: string } & KeysetSlots>, form: KeysetForm) =>
  keysetForm(
    db
      .selectFrom('response as r')
      .innerJoin('assignment as a', (j) => j.onRef('a.practice_id', '=', 'r.practice_id').onRef('a.id', '=', 'r.assignment_id'))
      .innerJoin('assignment_occurrence as o', (j) =>
        j.onRef('o.practice_id', '=', 'r.practice_id').onRef('o.assignment_id', '=', 'r.assignment_id').onRef('o.seq', '=', 'r.seq'),
      )
      .select(itemColumns<DB['response']>)
      .where('r.practice_id', '=', p.practiceId)
      .where('r.client_id', '=', p.clientId)
      .where('r.status', '=', sql.lit('submitted'))
      .where(sqlText<boolean>(stillReaches('a', slot('clientId')), p)),
    HISTORY_BY_UPDATE('', ''),
    p,
    form,
  ),
);

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
    @InjectKysely() private readonly kdb: Db,
    @Inject(MeasureScoring) private readonly measures: MeasureScoring,
  ) {}

  async me(actor: PortalActor): Promise<PortalMe> {
    const row = await this.kdb
      .selectFrom('client as c')
      .innerJoin('practice as p', 'p.id', 'c.practice_id')
      .select(['c.name', 'c.preferred_name', 'p.name as practice_name'])
      .where('c.practice_id', '=', actor.practiceId)
      .where('c.id', '=', actor.clientId)
      .executeTakeFirst();
    return {
      clientId: actor.clientId,
      firstName: firstName(row!.name, row!.preferred_name),
      practiceName: row!.practice_name,
      crisisResources: await this.crisis.forPractice(actor.practiceId),
    };
  }

  async home(actor: PortalActor): Promise<PortalHome> {
    const today = await practiceToday(this.db, actor);
    const { rows: todo } = await openHomework.execute(this.kdb, { practiceId: actor.practiceId, clientId: actor.clientId, today });
    const done = await this.history(actor, { limit: '10' });
    return { todo: todo.map((r) => this.item(r, today)), done: done.items };
  }

  /** Submitted homework, newest first, a page at a time. */
  async history(actor: PortalActor, query: PortalHistoryQuery): Promise<Page<PortalItem>> {
    const keyset = new Keyset(this.cursors, HISTORY_BY_UPDATE(actor.practiceId, actor.clientId), query, 20);
    const { rows: read } = await submittedHomework.execute(this.kdb, keyset.form, { practiceId: actor.practiceId, clientId: actor.clientId, ...keyset.slotValues });
    const { rows, nextCursor } = keyset.page(read);
    return { items: rows.map((r) => this.item(r, '')), nextCursor };
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
    return this.writes.transaction(actor, async (tx, audit, db) => {
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
        saved = await this.insertOrConflict(() =>
          db
            .insertInto('response')
            .values({ practice_id: actor.practiceId, id, assignment_id: assignmentId, seq, client_id: actor.clientId, couple_id: row.couple_id, key_id: sealed.keyId, answers_enc: sealed.ciphertext })
            .returning(['version', 'updated_at'])
            .execute(),
        );
      } else {
        if (dto.version !== row.version) throw this.staleDraft();
        const sealed = sealAnswers(this.cipher, actor.practiceId, row.response_id, dto.answers);
        saved = await db
          .updateTable('response')
          .set({ answers_enc: sealed.ciphertext, key_id: sealed.keyId, version: sql`version + 1`, updated_at: sql`now()` })
          .where('practice_id', '=', actor.practiceId)
          .where('id', '=', row.response_id)
          .where('status', '=', sql.lit('draft'))
          .returning(['version', 'updated_at'])
          .execute();
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
    return this.writes.transaction(actor, async (tx, audit, db) => {
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
        ? await db
            .updateTable('response')
            .set({
              answers_enc: sealed.ciphertext,
              key_id: sealed.keyId,
              status: sql.lit('submitted'),
              submission_id: dto.submissionId,
              submitted_at: sql`now()`,
              version: sql`version + 1`,
              updated_at: sql`now()`,
            })
            .where('practice_id', '=', actor.practiceId)
            .where('id', '=', id)
            .where('status', '=', sql.lit('draft'))
            .returning(['version', 'updated_at', sql<Date>`submitted_at`.as('submitted_at')])
            .execute()
        : await db
            .insertInto('response')
            .values({
              practice_id: actor.practiceId,
              id,
              assignment_id: assignmentId,
              seq,
              client_id: actor.clientId,
              couple_id: row.couple_id,
              key_id: sealed.keyId,
              answers_enc: sealed.ciphertext,
              status: sql.lit('submitted'),
              submission_id: dto.submissionId,
              submitted_at: sql`now()`,
            })
            .returning(['version', 'updated_at', sql<Date>`submitted_at`.as('submitted_at')])
            .execute();
      await db
        .updateTable('assignment_occurrence')
        .set({ pending: sql`pending - 1` })
        .where('practice_id', '=', actor.practiceId)
        .where('assignment_id', '=', assignmentId)
        .where('seq', '=', seq)
        .execute();
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
    const others = await this.kdb
      .selectFrom('assignment_member as am')
      .innerJoin('client as c', (j) => j.onRef('c.practice_id', '=', 'am.practice_id').onRef('c.id', '=', 'am.client_id'))
      .leftJoin('response as r', (j) =>
        j.onRef('r.practice_id', '=', 'am.practice_id').onRef('r.assignment_id', '=', 'am.assignment_id').on('r.seq', '=', row.seq).onRef('r.client_id', '=', 'am.client_id'),
      )
      .select(['c.name', 'c.preferred_name', 'r.practice_id', 'r.id', 'r.status', 'r.key_id', 'r.answers_enc'])
      .where('am.practice_id', '=', actor.practiceId)
      .where('am.assignment_id', '=', row.assignment_id)
      .where('am.client_id', '<>', actor.clientId)
      .where(
        sql<boolean>`EXISTS (SELECT 1 FROM couple_member cm WHERE cm.practice_id = am.practice_id AND cm.couple_id = ${row.couple_id} AND cm.client_id = am.client_id AND cm.left_at IS NULL)`,
      )
      .orderBy('c.name')
      .orderBy('c.id')
      .execute();
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

  private async insertOrConflict<T>(insert: () => Promise<T>): Promise<T> {
    try {
      return await insert();
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string })?.code === UNIQUE_VIOLATION) throw this.staleDraft();
      throw error;
    }
  }

  /** The occurrence as this client sees it: a member, and open. `lock` takes the response row for a write. */
  private async find(runner: SqlRunner, actor: PortalActor, assignmentId: string, seq: number, today: string, lock = false): Promise<OccurrenceRow> {
    const db = kyselyOn(runner);
    if (lock) {
      // Writes to one occurrence take turns; the read below then starts after any earlier write committed.
      await db
        .selectFrom('assignment_occurrence')
        .select(sql.lit(1).as('one'))
        .where('practice_id', '=', actor.practiceId)
        .where('assignment_id', '=', assignmentId)
        .where('seq', '=', seq)
        .forUpdate()
        .execute();
    }
    const row: OccurrenceRow | undefined = await db
      .selectFrom('assignment_member as am')
      .innerJoin('assignment as a', (j) => j.onRef('a.practice_id', '=', 'am.practice_id').onRef('a.id', '=', 'am.assignment_id'))
      .innerJoin('assignment_occurrence as o', (j) => j.onRef('o.practice_id', '=', 'am.practice_id').onRef('o.assignment_id', '=', 'am.assignment_id').on('o.seq', '=', seq))
      .leftJoin('response as r', (j) =>
        j.onRef('r.practice_id', '=', 'o.practice_id').onRef('r.assignment_id', '=', 'o.assignment_id').onRef('r.seq', '=', 'o.seq').onRef('r.client_id', '=', 'am.client_id'),
      )
      .select((eb) => [
        'a.id as assignment_id',
        'a.practice_id',
        eb.ref('a.exercise').$castTo<Exercise>().as('exercise'),
        'a.instructions',
        eb.ref('a.sharing').$castTo<SharingMode | null>().as('sharing'),
        'a.couple_id',
        sql<boolean>`a.cancelled_at IS NOT NULL`.as('assignment_cancelled'),
        'o.seq',
        sql<string>`to_char(o.opens_on, 'YYYY-MM-DD')`.as('opens_on'),
        sql<string>`to_char(o.due_on, 'YYYY-MM-DD')`.as('due_on'),
        'o.cancelled',
        'r.id as response_id',
        eb.ref('r.status').$castTo<'draft' | 'submitted' | null>().as('status'),
        'r.key_id',
        'r.answers_enc',
        'r.version',
        'r.updated_at',
        'r.submitted_at',
        'r.submission_id',
      ])
      .where('am.practice_id', '=', actor.practiceId)
      .where('am.client_id', '=', actor.clientId)
      .where('am.assignment_id', '=', assignmentId)
      .where(sql<boolean>`o.opens_on <= ${today}::date`)
      .where(sqlText<boolean>(stillReaches('a', slot('client')), { client: actor.clientId }))
      .executeTakeFirst();
    if (!row) throw new NotFoundError('exercise');
    return row;
  }
}
