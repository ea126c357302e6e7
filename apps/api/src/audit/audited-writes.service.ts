import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor, RequestOrigin } from '../access/actor.js';
import { kyselyOn, type Db } from '../db/kysely.js';

export interface AuditEntry {
  action: string;
  recordType?: string;
  recordId?: string;
  /** The client or couple the event concerns, for the "by client" filter. */
  subjectId?: string;
  /** Small, non-clinical facts (role names, field names, statuses): never note text or answers. */
  detail?: Record<string, unknown>;
}

/** Who an audit event is attributed to. */
export type AuditWho =
  | Actor
  | (RequestOrigin & { kind: 'anonymous'; practiceId?: string | null; actorId?: string | null })
  | { kind: 'system'; practiceId: string | null };

/** Appends audit events inside the one transaction it was handed out with. */
export interface AuditRecorder {
  /** Records an event; `as` attributes it to someone other than the transaction's actor. */
  record(entry: AuditEntry, as?: AuditWho): Promise<void>;
}

export class AuditRecorderClosedError extends Error {
  constructor() {
    super('An audit recorder was used after its transaction ended.');
  }
}

/**
 * The only way Tandem writes: a change and its audit events commit together
 * or not at all. `transaction()` opens the transaction and hands the work an
 * audit recorder bound to it; a recorder cannot outlive its transaction, and
 * nothing else in Tandem can append to the audit log. The work gets the
 * transaction twice: as TypeORM's EntityManager and as a Kysely bound to the
 * same connection (typed queries), whichever it uses.
 */
@Injectable()
export class AuditedWrites {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async transaction<T>(who: AuditWho, work: (tx: EntityManager, audit: AuditRecorder, db: Db) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      let open = true;
      const audit: AuditRecorder = {
        record: (entry, as = who) => {
          if (!open) throw new AuditRecorderClosedError();
          return appendEvent(tx, as, entry);
        },
      };
      try {
        return await work(tx, audit, kyselyOn(tx));
      } finally {
        open = false;
      }
    });
  }

  /** An event that is the whole write: a read of clinical content, a sign-in, a failed attempt. */
  async event(who: AuditWho, entry: AuditEntry): Promise<void> {
    await this.transaction(who, (_tx, audit) => audit.record(entry));
  }
}

// Stays a written-out INSERT: the test that keeps the audit log append-only from one place looks for this statement.
async function appendEvent(tx: EntityManager, who: AuditWho, entry: AuditEntry): Promise<void> {
  const actorId = who.kind === 'staff' ? who.userId : who.kind === 'portal' ? who.clientId : who.kind === 'anonymous' ? (who.actorId ?? null) : null;
  const origin = who.kind === 'system' ? null : who;
  await tx.query(
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
