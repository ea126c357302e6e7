import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditActorKind, AuditEventView, AuditVerification, Page } from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { PageCursors, pageLimit } from '../common/cursor.js';
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
  request_id: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

/** Reading the audit log: admins only, their own practice's chain only. */
@Injectable()
export class AuditLogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(PageCursors) private readonly cursors: PageCursors,
  ) {}

  async page(actor: StaffActor, query: AuditQuery): Promise<Page<AuditEventView>> {
    this.access.requireAdmin(actor);
    const limit = pageLimit(query.limit);
    const cursorScope = { list: 'audit', practiceId: actor.practiceId };
    const before = this.cursors.decode(query.cursor, cursorScope, ['seq'])?.[0] ?? null;
    const rows = await this.select(actor, query, limit + 1, before);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items: rows.slice(0, limit).map(toView), nextCursor: last ? this.cursors.encode(cursorScope, [last.seq]) : null };
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
    this.access.requireAdmin(actor);
    const first = await this.select(actor, query, Math.min(1000, maxRows), null);
    const select = this.select.bind(this);
    return (async function* () {
      yield 'seq,occurred_at,actor_kind,actor_id,actor_name,action,record_type,record_id,subject_id,subject_name,request_id,ip,detail\n';
      let rows = first;
      let written = 0;
      while (rows.length > 0) {
        yield rows.map(toCsvLine).join('');
        written += rows.length;
        if (written >= maxRows || rows.length < 1000) return;
        rows = await select(actor, query, Math.min(1000, maxRows - written), rows[rows.length - 1]!.seq);
      }
    })();
  }

  async verify(actor: StaffActor): Promise<AuditVerification> {
    this.access.requireAdmin(actor);
    const problems = (await this.db.query(`SELECT seq, problem FROM audit_verify() WHERE chain_key = $1`, [actor.practiceId])) as Array<{
      seq: string;
      problem: string;
    }>;
    const [{ count }] = (await this.db.query(`SELECT count(*)::int AS count FROM audit_event WHERE chain_key = $1`, [actor.practiceId])) as Array<{
      count: number;
    }>;
    return { ok: problems.length === 0, checkedEvents: count, problems: problems.map((p) => ({ seq: Number(p.seq), problem: p.problem })) };
  }

  private async select(actor: StaffActor, query: AuditQuery, limit: number, before: string | null): Promise<EventRow[]> {
    const params: unknown[] = [actor.practiceId];
    const add = (value: unknown) => `$${params.push(value)}`;
    const where = ['e.chain_key = $1'];
    if (query.actorId) where.push(`e.actor_id = ${add(query.actorId)}`);
    if (query.subjectId) where.push(`e.subject_id = ${add(query.subjectId)}`);
    if (query.action) {
      where.push(query.action.includes('.') ? `e.action = ${add(query.action)}` : `e.action LIKE ${add(`${query.action}.%`)}`);
    }
    // Both are calendar days (validated before this runs); `to` includes its whole day.
    if (query.from) where.push(`e.occurred_at >= ${add(query.from)}::date`);
    if (query.to) where.push(`e.occurred_at < ${add(query.to)}::date + 1`);
    if (before) where.push(`e.seq < ${add(before)}::bigint`);
    // The page is cut first (newest first along an index), and only its rows get names: a
    // client with years of events costs the same as one with a week of them.
    return (await this.db.query(
      `SELECT e.seq::text AS seq, e.occurred_at, e.actor_kind, e.actor_id,
              COALESCE(su.name, ac.name) AS actor_name, e.action, e.record_type, e.record_id, e.subject_id,
              COALESCE(sc.name, sp.display_name) AS subject_name, e.request_id, host(e.ip) AS ip, e.detail
         FROM (SELECT * FROM audit_event e WHERE ${where.join(' AND ')} ORDER BY e.seq DESC LIMIT ${add(limit)}) e
         LEFT JOIN staff_user su ON e.actor_kind = 'staff' AND su.practice_id = e.practice_id AND su.id = e.actor_id
         LEFT JOIN client ac ON e.actor_kind = 'portal' AND ac.practice_id = e.practice_id AND ac.id = e.actor_id
         LEFT JOIN client sc ON sc.practice_id = e.practice_id AND sc.id = e.subject_id
         LEFT JOIN couple sp ON sp.practice_id = e.practice_id AND sp.id = e.subject_id
        ORDER BY e.seq DESC`,
      params,
    )) as EventRow[];
  }
}

function toView(row: EventRow): AuditEventView {
  return {
    seq: Number(row.seq),
    occurredAt: row.occurred_at.toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
    action: row.action,
    recordType: row.record_type,
    recordId: row.record_id,
    subject: row.subject_id ? { id: row.subject_id, name: row.subject_name ?? '' } : null,
    requestId: row.request_id,
    ip: row.ip,
    detail: row.detail,
  };
}

/** RFC 4180 quoting, and a leading apostrophe for cells a spreadsheet would run as a formula. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsvLine(row: EventRow): string {
  return (
    [row.seq, row.occurred_at, row.actor_kind, row.actor_id, row.actor_name, row.action, row.record_type, row.record_id, row.subject_id, row.subject_name, row.request_id, row.ip, row.detail]
      .map(cell)
      .join(',') + '\n'
  );
}
