import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { sql } from 'kysely';
import { ATTENTION_KINDS, type AttentionCount, type AttentionItem, type AttentionKind, type Page, type PersonRef, type ResponseReview } from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { attentionAudiences } from '../access/rules.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationFailedError } from '../common/app-error.js';
import { PageCursors, pageLimit, type CursorScope } from '../common/cursor.js';
import type { PageQuery } from '../common/page-query.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import { ATTENTION_SOURCES, type AttentionSource, type SourceRow } from './attention-sources.js';

/** The navigation counts exactly up to this many, then shows "99+". */
export const ATTENTION_COUNT_CAP = 99;

const ISO_MICROS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A real instant: the calendar accepts it as written (no 31 February). */
const sameSecond = (at: string) => {
  const parsed = new Date(`${at.slice(0, 19)}Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === at.slice(0, 19);
};

/** Where a page ends: the last row's rank, time (to the microsecond) and key. */
interface QueueCursor {
  rank: number;
  at: string;
  key: string;
}

function queueCursor(cursors: PageCursors, scope: CursorScope, cursor: string | undefined): QueueCursor | null {
  const after = cursors.decode(cursor, scope, ['text', 'text', 'text']);
  if (!after) return null;
  const [rankText, at, key] = after;
  const rank = Number(rankText);
  if (!/^-?\d{1,3}$/.test(rankText) || !AT.test(at) || !sameSecond(at) || key.length > 200) {
    throw new ValidationFailedError({ cursor: 'is not a cursor this list gave out' });
  }
  return { rank, at, key };
}

/**
 * What needs a staff member, newest first: clinicians see their own care
 * teams' items; admins, the practice-wide sources (none yet besides what
 * clinicians see of their own). Rows carry names, titles and dates, never
 * answers or note text.
 */
@Injectable()
export class AttentionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  /** The sources this queue merges: ATTENTION_SOURCES (a test may add one of its own). */
  sources: readonly AttentionSource[] = ATTENTION_SOURCES;

  async list(actor: StaffActor, query: PageQuery): Promise<Page<AttentionItem>> {
    const limit = pageLimit(query.limit);
    const scope = { list: 'attention', practiceId: actor.practiceId, within: actor.userId };
    const after = queueCursor(this.cursors, scope, query.cursor);
    const page = this.pageStatement(actor, after, limit + 1);
    if (!page) return { items: [], nextCursor: null };
    const rows = (await this.db.query(page.sql, page.params)) as SourceRow[];
    const byKind = new Map(this.sources.map((s) => [s.kind, s]));
    const items = rows.slice(0, limit).map((row) => byKind.get(row.kind)!.item(row));
    const last = rows.length > limit ? rows[limit - 1]! : undefined;
    return { items, nextCursor: last ? this.cursors.encode(scope, [String(last.rank), last.at, last.key]) : null };
  }

  /** Counts per kind, each source read at most CAP + 1 rows deep, so the count costs what a page costs. */
  async count(actor: StaffActor): Promise<AttentionCount> {
    const byKind = Object.fromEntries(ATTENTION_KINDS.map((k) => [k, 0])) as Record<AttentionKind, number>;
    const sources = this.sourcesFor(actor);
    let total = 0;
    if (sources.length > 0) {
      const rows = (await this.db.query(
        `SELECT c.kind, count(*)::int AS n FROM (${this.union(sources, null)}) c GROUP BY c.kind`,
        this.params(actor, null, ATTENTION_COUNT_CAP + 1),
      )) as Array<{ kind: AttentionKind; n: number }>;
      for (const row of rows) {
        byKind[row.kind] = Math.min(row.n, ATTENTION_COUNT_CAP);
        total += row.n;
      }
    }
    return { total: Math.min(total, ATTENTION_COUNT_CAP), capped: total > ATTENTION_COUNT_CAP, byKind, practice: attentionAudiences(actor).includes('admin') ? await this.practiceCounts(actor) : null };
  }

  /**
   * What waits across the practice, for admins: counts only, each read at
   * most CAP rows deep from the partial indexes of unreviewed answers and of
   * open occurrences (practice_id leads both).
   */
  private async practiceCounts(actor: StaffActor): Promise<NonNullable<AttentionCount['practice']>> {
    const practice = actor.practiceId;
    const cap = ATTENTION_COUNT_CAP;
    const row = await this.kdb
      .with('p', (db) => db.selectFrom('practice').select(sql<Date>`(now() AT TIME ZONE timezone)::date`.as('today')).where('id', '=', practice))
      .selectNoFrom([
        sql<number>`(SELECT count(*) FROM (
            (SELECT 1 FROM response r WHERE r.practice_id = ${practice} AND r.status = 'submitted' AND r.reviewed_at IS NULL AND r.couple_id IS NULL LIMIT ${cap})
            UNION ALL
            (SELECT 1 FROM response r WHERE r.practice_id = ${practice} AND r.status = 'submitted' AND r.reviewed_at IS NULL AND r.couple_id IS NOT NULL LIMIT ${cap})) x)::int`.as('answers'),
        sql<number>`(SELECT count(*) FROM (
            (SELECT 1 FROM assignment_occurrence o, p WHERE o.practice_id = ${practice} AND o.client_id IS NOT NULL AND o.pending > 0 AND NOT o.cancelled AND o.due_on < p.today LIMIT ${cap})
            UNION ALL
            (SELECT 1 FROM assignment_occurrence o, p WHERE o.practice_id = ${practice} AND o.couple_id IS NOT NULL AND o.pending > 0 AND NOT o.cancelled AND o.due_on < p.today LIMIT ${cap})) x)::int`.as('overdue'),
      ])
      .executeTakeFirstOrThrow();
    return { answersAwaitingReview: Math.min(row.answers, ATTENTION_COUNT_CAP), homeworkOverdue: Math.min(row.overdue, ATTENTION_COUNT_CAP) };
  }

  /**
   * Marks one submitted response reviewed, once: a repeat answers with the
   * first review and records nothing new. Only a clinician on the care team
   * of the homework's client or couple may do it.
   */
  async markReviewed(actor: StaffActor, responseId: string): Promise<ResponseReview> {
    return this.writes.transaction(actor, async (tx, audit, db) => {
      const row = await db
        .selectFrom('response as r')
        .innerJoin('assignment as a', (join) => join.onRef('a.practice_id', '=', 'r.practice_id').onRef('a.id', '=', 'r.assignment_id'))
        .select(['r.id', 'r.status', 'r.client_id', 'r.couple_id', 'a.client_id as assignment_client_id', 'r.reviewed_at', 'r.reviewed_by'])
        .where('r.practice_id', '=', actor.practiceId)
        .where('r.id', '=', responseId)
        .forUpdate('r')
        .executeTakeFirst();
      if (!row) throw new NotFoundError('response');
      const subject = row.couple_id ? { coupleId: row.couple_id } : { clientId: row.assignment_client_id ?? row.client_id };
      const access = await this.access.subject(actor, subject, tx);
      if (!access.may.homework.edit) throw new ForbiddenError('Only a clinician on the care team reviews answers.');
      if (row.status !== 'submitted') {
        throw new RuleViolationError('not_submitted', 'These answers are still a draft. They can be marked reviewed once the client submits them.');
      }
      if (row.reviewed_at) return { responseId, reviewedAt: row.reviewed_at.toISOString(), reviewedBy: await this.staffRef(tx, actor.practiceId, row.reviewed_by) };
      const done = await db
        .updateTable('response')
        .set({ reviewed_at: sql`now()`, reviewed_by: actor.userId })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', responseId)
        .returning('reviewed_at')
        .$narrowType<{ reviewed_at: Date }>()
        .executeTakeFirstOrThrow();
      const subjectId = 'coupleId' in subject ? subject.coupleId : subject.clientId;
      await audit.record({ action: 'response.reviewed', recordType: 'response', recordId: responseId, subjectId });
      return { responseId, reviewedAt: done.reviewed_at.toISOString(), reviewedBy: await this.staffRef(tx, actor.practiceId, actor.userId) };
    });
  }

  private async staffRef(runner: DataSource | EntityManager, practiceId: string, id: string | null): Promise<PersonRef | null> {
    if (!id) return null;
    const row = await kyselyOn(runner).selectFrom('staff_user').select(['id', 'name']).where('practice_id', '=', practiceId).where('id', '=', id).executeTakeFirst();
    return row ?? null;
  }

  /** The one statement that reads a page (public so that tests can EXPLAIN it); null when no source speaks to the actor. */
  pageStatement(actor: StaffActor, after: QueueCursor | null, depth: number): { sql: string; params: unknown[] } | null {
    // Sources ranked above the cursor's rank were read to the end on earlier pages.
    const sources = this.sourcesFor(actor).filter((s) => !after || s.rank <= after.rank);
    if (sources.length === 0) return null;
    return { sql: `${this.union(sources, after)} ORDER BY q.rank DESC, q.at DESC, q.key COLLATE "C" DESC LIMIT $5`, params: this.params(actor, after, depth) };
  }

  private sourcesFor(actor: StaffActor): AttentionSource[] {
    const audiences = attentionAudiences(actor);
    return this.sources.filter((s) => audiences.includes(s.audience));
  }

  /**
   * The sources' rows, each source newest first and at most `$5` deep, as one
   * relation `q`. A source ranked below the cursor's rank starts from its
   * newest row: its cursor placeholders become `$6` ('infinity') and `$7` ('').
   */
  private union(sources: AttentionSource[], after: QueueCursor | null): string {
    const read = (s: AttentionSource) => {
      const sql = after && s.rank < after.rank ? s.sql.replace(/\$3\b/g, '$6').replace(/\$4\b/g, '$7') : s.sql;
      return `(SELECT ${s.rank} AS rank, s.* FROM (${sql}) s ORDER BY s.at DESC, s.key COLLATE "C" DESC LIMIT $5)`;
    };
    return `
      WITH p AS MATERIALIZED (
             SELECT timezone, (now() AT TIME ZONE timezone)::date AS today,
                    $3::timestamptz AS cursor_at, $4::text AS cursor_key, $5::int AS depth, $6::timestamptz AS top_at, $7::text AS top_key
               FROM practice WHERE id = $1),
           mine AS MATERIALIZED (
             SELECT ct.client_id, ct.couple_id FROM care_team_member ct
              WHERE ct.practice_id = $1 AND ct.staff_user_id = $2 AND ct.removed_at IS NULL)
      SELECT q.rank, q.kind, to_char(q.at AT TIME ZONE 'UTC', ${ISO_MICROS}) AS at, q.key, q.subject_kind, q.subject_id, q.subject_name, q.data
        FROM (${sources.map(read).join('\n UNION ALL \n')}) q`;
  }

  private params(actor: StaffActor, after: QueueCursor | null, depth: number): unknown[] {
    return [actor.practiceId, actor.userId, after?.at ?? 'infinity', after?.key ?? '', depth, 'infinity', ''];
  }
}
