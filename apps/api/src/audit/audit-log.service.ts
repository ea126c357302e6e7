import { Inject, Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import { auditActionLabel, auditDetailText, type AuditActorKind, type AuditEventView, type AuditVerification, type Page } from '@tandem/shared';
import type { StaffActor } from '../access/actor.js';
import { ValidationFailedError } from '../common/app-error.js';
import { PageCursors } from '../common/cursor.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { Keyset, type PageRequest } from '../db/keyset.js';
import type { AuditQuery } from './dto/audit-query.dto.js';

interface EventRow {
  seq: string;
  occurred_at: Date;
  actor_kind: AuditActorKind;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  subject_id: string | null;
  subject_name: string | null;
  record_name: string | null;
  request_id: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

/** Reading the audit log: admins only, their own practice's chain only. */
@Injectable()
export class AuditLogService {
  constructor(
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  async page(actor: StaffActor, query: AuditQuery): Promise<Page<AuditEventView>> {
    const keyset = this.keyset(actor, query);
    const { rows: page, nextCursor } = keyset.page(await this.select(actor, query, keyset));
    const names = await this.namesIn(actor.practiceId, page);
    return { items: page.map((row) => toView(row, names)), nextCursor };
  }

  /**
   * The filtered view as CSV, newest first, in pages of a thousand so memory
   * stays flat. Everything that can be refused is checked, and the first page
   * read, before the first byte goes out: a bad filter or an unreachable
   * database is an ordinary error answer, never a 200 with a header row. A
   * failure after that errors the stream, and the connection is cut before
   * the response's end, so the download shows as failed, never as complete.
   */
  async csv(actor: StaffActor, query: AuditQuery, maxRows = 100_000): Promise<AsyncGenerator<string>> {
    const keyset = this.keyset(actor, {});
    const first = await this.select(actor, query, keyset, null, Math.min(1000, maxRows));
    const select = this.select.bind(this);
    const namesIn = this.namesIn.bind(this);
    return (async function* () {
      yield 'seq,occurred_at,who,who_kind,what,action,record_type,record,client_or_couple,details,ip,request_id\n';
      let rows = first;
      let written = 0;
      while (rows.length > 0) {
        const names = await namesIn(actor.practiceId, rows);
        yield rows.map((row) => toCsvLine(toView(row, names))).join('');
        written += rows.length;
        if (written >= maxRows || rows.length < 1000) return;
        rows = await select(actor, query, keyset, [rows[rows.length - 1]!.seq], Math.min(1000, maxRows - written));
      }
    })();
  }

  async verify(actor: StaffActor): Promise<AuditVerification> {
    // audit_verify() is the database's own check of the chain (a set-returning function, typed here by what it returns).
    const { rows: problems } = await sql<{ seq: string; problem: string }>`SELECT seq::text, problem FROM audit_verify() WHERE chain_key = ${actor.practiceId}`.execute(this.kdb);
    const { count } = await this.kdb
      .selectFrom('audit_event')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('chain_key', '=', actor.practiceId)
      .executeTakeFirstOrThrow();
    return { ok: problems.length === 0, checkedEvents: count, problems: problems.map((p) => ({ seq: Number(p.seq), problem: p.problem })) };
  }

  /**
   * Names of the staff, clients and couples whose ids appear in the events' details
   * (care-team changes, couple members), read in one query for the whole page.
   */
  private async namesIn(practiceId: string, rows: EventRow[]): Promise<Map<string, string>> {
    const ids = new Set<string>();
    const collect = (value: unknown) => {
      if (typeof value === 'string' && UUID.test(value)) ids.add(value);
      else if (Array.isArray(value)) value.forEach(collect);
    };
    for (const row of rows) Object.values(row.detail ?? {}).forEach(collect);
    if (ids.size === 0) return new Map();
    const among = [...ids];
    const found = await this.kdb
      .selectFrom('staff_user')
      .select(['id', 'name'])
      .where('practice_id', '=', practiceId)
      .where('id', '=', sql<string>`ANY(${among}::uuid[])`)
      .unionAll((db) => db.selectFrom('client').select(['id', 'name']).where('practice_id', '=', practiceId).where('id', '=', sql<string>`ANY(${among}::uuid[])`))
      .unionAll((db) => db.selectFrom('couple').select(['id', 'display_name as name']).where('practice_id', '=', practiceId).where('id', '=', sql<string>`ANY(${among}::uuid[])`))
      .execute();
    return new Map(found.map((r) => [r.id, r.name]));
  }

  /** Newest first: the practice's chain by sequence number. */
  private keyset(actor: StaffActor, request: PageRequest) {
    return new Keyset<Pick<EventRow, 'seq'>>(
      this.cursors,
      { scope: { list: 'audit', practiceId: actor.practiceId }, direction: 'desc', keys: [{ by: 'e.seq', part: 'seq', of: (r) => r.seq }] },
      request,
    );
  }

  /** A page of events (the keyset's, or `rows` from after `after` for the export), with the names they mention. */
  private async select(actor: StaffActor, query: AuditQuery, keyset: Keyset<Pick<EventRow, 'seq'>>, after: string[] | null = keyset.after, rows?: number): Promise<EventRow[]> {
    assertRange(query);
    const where: Array<RawBuilder<unknown>> = [sql`e.chain_key = ${actor.practiceId}`];
    if (query.actorId) where.push(sql`e.actor_id = ${query.actorId}`);
    if (query.subjectId) where.push(sql`e.subject_id = ${query.subjectId}`);
    if (query.action) where.push(query.action.includes('.') ? sql`e.action = ${query.action}` : sql`e.action LIKE ${`${query.action}.%`}`);
    // Both are calendar days (validated before this runs); `to` includes its whole day.
    if (query.from) where.push(sql`e.occurred_at >= ${query.from}::date`);
    if (query.to) where.push(sql`e.occurred_at < ${query.to}::date + 1`);
    const fromCursor = keyset.predicate(after);
    if (fromCursor) where.push(fromCursor);
    // Kept as written SQL, and first in the statement: the export's test finds it in pg_stat_activity (which keeps a statement's first 1 kB) by its text (FROM audit_event).
    const page = sql`SELECT * FROM audit_event e WHERE ${sql.join(where, sql` AND `)} ORDER BY e.seq DESC LIMIT ${rows ?? keyset.limit + 1}`;
    // Before sign-in (a password set from an invite, a sign-out after expiry) the actor is the staff
    // member the event is about; a failed sign-in proves nothing about who tried, so it names nobody.
    // The page is cut first (newest first along an index), and only its rows get names: a
    // client with years of events costs the same as one with a week of them. Each name is a scalar
    // look-up by primary key for the rows it can belong to (CASE gives the others a NULL key, which
    // reads no index): as joins, the planner read every practice's clients and couples by hash.
    const name = (table: 'staff_user' | 'client', id: string) => sql.raw(`(SELECT n.name FROM ${table} n WHERE n.practice_id = e.practice_id AND n.id = ${id})`);
    const coupleName = (id: string) => sql.raw(`(SELECT n.display_name FROM couple n WHERE n.practice_id = e.practice_id AND n.id = ${id})`);
    const { rows: found } = await sql<EventRow>`WITH e AS (${page})
       SELECT e.seq::text AS seq, e.occurred_at, e.actor_kind, e.actor_id,
              COALESCE(${name('staff_user', `(CASE WHEN e.actor_kind = 'staff' OR (e.actor_kind = 'anonymous' AND e.action <> 'auth.sign_in_failed') THEN e.actor_id END)`)},
                       ${name('client', `(CASE WHEN e.actor_kind = 'portal' THEN e.actor_id END)`)}) AS actor_name,
              e.action, e.record_type, e.record_id, e.subject_id,
              COALESCE(${name('client', 'e.subject_id')}, ${coupleName('e.subject_id')}) AS subject_name,
              COALESCE(${name('staff_user', `(CASE WHEN e.record_type = 'staff_user' THEN e.record_id::uuid END)`)},
                       ${name('client', `(CASE WHEN e.record_type = 'client' THEN e.record_id::uuid END)`)},
                       ${coupleName(`(CASE WHEN e.record_type = 'couple' THEN e.record_id::uuid END)`)}) AS record_name,
              e.request_id, host(e.ip) AS ip, e.detail
         FROM e
        ORDER BY e.seq DESC`.execute(this.kdb);
    return found;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = 86_400_000;
/** A bare date as From means the start of that day; as To, the end of it. */
const rangeStart = (value: string) => Date.parse(value);
const rangeEnd = (value: string) => Date.parse(value) + (value.length === 10 ? DAY - 1 : 0);

/** A From date after the To date can match nothing: said as a field error, not as an empty page. */
export function assertRange(query: AuditQuery): void {
  if (query.from && query.to && rangeStart(query.from) > rangeEnd(query.to)) {
    throw new ValidationFailedError({ to: 'must be on or after the From date' }, 'The From date is after the To date: nothing can match.');
  }
}

function toView(row: EventRow, allNames: Map<string, string>): AuditEventView {
  const names: Record<string, string> = {};
  const pick = (value: unknown) => {
    if (typeof value === 'string' && allNames.has(value)) names[value] = allNames.get(value)!;
    else if (Array.isArray(value)) value.forEach(pick);
  };
  Object.values(row.detail ?? {}).forEach(pick);
  return {
    seq: Number(row.seq),
    occurredAt: row.occurred_at.toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
    action: row.action,
    actionLabel: auditActionLabel(row.action),
    recordType: row.record_type,
    recordId: row.record_id,
    recordName: row.record_name,
    subject: row.subject_id ? { id: row.subject_id, name: row.subject_name ?? '' } : null,
    requestId: row.request_id,
    ip: row.ip,
    detail: row.detail,
    names,
  };
}

/** RFC 4180 quoting, and a leading apostrophe for cells a spreadsheet would run as a formula. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const WHO_KIND: Record<AuditActorKind, string> = { staff: 'staff', portal: 'client (portal)', system: 'Tandem', anonymous: 'not signed in' };
const RECORD_WORDS: Record<string, string> = {
  staff_user: 'staff member',
  client: 'client',
  couple: 'couple',
  session_note: 'session note',
  assignment: 'homework',
  portal_link: 'portal link',
  exercise: 'exercise',
};

/** One CSV line in words: names instead of ids, the action as the page says it. */
function toCsvLine(e: AuditEventView): string {
  const who = e.actor.name ?? (e.actor.kind === 'system' ? 'Tandem' : e.actor.kind === 'anonymous' ? 'Someone not signed in' : '');
  return (
    [
      e.seq,
      e.occurredAt,
      who,
      WHO_KIND[e.actor.kind],
      e.actionLabel,
      e.action,
      e.recordType ? (RECORD_WORDS[e.recordType] ?? e.recordType) : null,
      e.recordName,
      e.subject?.name,
      auditDetailText(e),
      e.ip,
      e.requestId,
    ]
      .map(cell)
      .join(',') + '\n'
  );
}
