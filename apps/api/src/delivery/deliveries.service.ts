import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { FailedDelivery, Page } from '@tandem/shared';
import { clientsReachedBy } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { listScope } from '../access/rules.js';
import { PageCursors, pageLimit } from '../common/cursor.js';
import type { FailedDeliveriesQuery } from './dto/delivery.dto.js';

interface Row {
  id: string;
  message_kind: FailedDelivery['kind'];
  status: FailedDelivery['status'];
  last_error_code: string | null;
  attempts: number;
  ended_at: Date;
  ended_key: string;
  recipient_kind: 'staff' | 'client';
  recipient_id: string;
  recipient_name: string | null;
  client_id: string | null;
  couple_id: string | null;
}

/**
 * Deliveries that did not arrive (failed after their last try, or stopped by
 * an opt-out), newest first. Admins see the practice's; a clinician sees
 * their own and those of the clients on their care teams.
 */
@Injectable()
export class DeliveriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(PageCursors) private readonly cursors: PageCursors,
  ) {}

  async failed(actor: StaffActor, query: FailedDeliveriesQuery): Promise<Page<FailedDelivery>> {
    const limit = pageLimit(query.limit);
    const scope = { list: 'deliveries:failed', practiceId: actor.practiceId, within: actor.userId };
    const after = this.cursors.decode(query.cursor, scope, ['text', 'uuid']);
    const params: unknown[] = [actor.practiceId, limit + 1];
    let where = `d.practice_id = $1 AND d.status IN ('failed', 'opted_out')`;
    if (listScope(actor) === 'own') {
      params.push(actor.userId);
      const me = `$${params.length}`;
      where += ` AND ((d.recipient_kind = 'staff' AND d.recipient_id = ${me}) OR d.client_id IN (${clientsReachedBy('$1', me)}))`;
    }
    if (after) {
      params.push(after[0], after[1]);
      where += ` AND (d.ended_at, d.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    const rows = (await this.db.query(
      `SELECT d.id, d.message_kind, d.status, d.last_error_code, d.attempts, d.ended_at,
              to_char(d.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ended_key,
              d.recipient_kind, d.recipient_id, d.client_id, d.couple_id,
              COALESCE(c.name, s.name) AS recipient_name
         FROM delivery d
         LEFT JOIN client c ON d.recipient_kind = 'client' AND c.practice_id = d.practice_id AND c.id = d.recipient_id
         LEFT JOIN staff_user s ON d.recipient_kind = 'staff' AND s.practice_id = d.practice_id AND s.id = d.recipient_id
        WHERE ${where}
        ORDER BY d.ended_at DESC, d.id DESC
        LIMIT $2`,
      params,
    )) as Row[];
    const items = rows.slice(0, limit).map(
      (r): FailedDelivery => ({
        id: r.id,
        kind: r.message_kind,
        status: r.status,
        errorCode: r.last_error_code,
        attempts: r.attempts,
        endedAt: r.ended_at.toISOString(),
        recipient: { kind: r.recipient_kind, id: r.recipient_id, name: r.recipient_name ?? '' },
        clientId: r.client_id,
        coupleId: r.couple_id,
      }),
    );
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items, nextCursor: last ? this.cursors.encode(scope, [last.ended_key, last.id]) : null };
  }
}
