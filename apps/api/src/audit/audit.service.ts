import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor, RequestOrigin } from '../access/actor.js';
import type { SqlRunner } from '../common/sql.js';

export interface AuditEntry {
  action: string;
  recordType?: string;
  recordId?: string;
  /** The client or couple the event concerns, for the "by client" filter. */
  subjectId?: string;
  /** Small, non-clinical facts (role names, field names, statuses): never note text or answers. */
  detail?: Record<string, unknown>;
}

type Who =
  | Actor
  | (RequestOrigin & { kind: 'anonymous'; practiceId?: string | null; actorId?: string | null })
  | { kind: 'system'; practiceId: string | null };

/**
 * Appends to the audit log. Pass the transaction of the change being
 * recorded, so the event and the change commit (or fail) together.
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(who: Who, entry: AuditEntry, runner: SqlRunner = this.db): Promise<void> {
    const actorId = who.kind === 'staff' ? who.userId : who.kind === 'portal' ? who.clientId : who.kind === 'anonymous' ? (who.actorId ?? null) : null;
    const origin = who.kind === 'system' ? null : who;
    await runner.query(
      `INSERT INTO audit_event (practice_id, actor_kind, actor_id, action, record_type, record_id, subject_id, request_id, ip, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        who.practiceId ?? null,
        who.kind,
        actorId,
        entry.action,
        entry.recordType ?? null,
        entry.recordId ?? null,
        entry.subjectId ?? null,
        origin?.requestId ?? null,
        origin?.ip ?? null,
        JSON.stringify(entry.detail ?? {}),
      ],
    );
  }
}
