import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { FailedDelivery, Page } from '@tandem/shared';
import { clientsReachedBy } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { listScope } from '../access/rules.js';
import { PageCursors } from '../common/cursor.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { Keyset } from '../db/keyset.js';
import { slot, sqlText } from '../db/sql-text.js';
import type { FailedDeliveriesQuery } from './dto/delivery.dto.js';

/**
 * Deliveries that did not arrive (failed after their last try, or stopped by
 * an opt-out), newest first. Admins see the practice's; a clinician sees
 * their own and those of the clients on their care teams.
 */
@Injectable()
export class DeliveriesService {
  constructor(
    @InjectKysely() private readonly kdb: Db,
    @Inject(PageCursors) private readonly cursors: PageCursors,
  ) {}

  async failed(actor: StaffActor, query: FailedDeliveriesQuery): Promise<Page<FailedDelivery>> {
    const keyset = new Keyset<{ ended_key: string; id: string }>(
      this.cursors,
      {
        scope: { list: 'deliveries:failed', practiceId: actor.practiceId, within: actor.userId },
        direction: 'desc',
        // The end time travels at full precision (microseconds), so no row is skipped or repeated.
        keys: [
          { by: 'd.ended_at', part: 'text', cast: 'timestamptz', of: (r) => r.ended_key },
          { by: 'd.id', part: 'uuid', of: (r) => r.id },
        ],
      },
      query,
    );
    let q = this.kdb
      .selectFrom('delivery as d')
      .leftJoin('client as c', (j) => j.on('d.recipient_kind', '=', sql.lit('client')).onRef('c.practice_id', '=', 'd.practice_id').onRef('c.id', '=', 'd.recipient_id'))
      .leftJoin('staff_user as s', (j) => j.on('d.recipient_kind', '=', sql.lit('staff')).onRef('s.practice_id', '=', 'd.practice_id').onRef('s.id', '=', 'd.recipient_id'))
      .select((eb) => [
        'd.id',
        eb.ref('d.message_kind').$castTo<FailedDelivery['kind']>().as('message_kind'),
        eb.ref('d.status').$castTo<FailedDelivery['status']>().as('status'),
        'd.last_error_code',
        'd.attempts',
        eb.ref('d.ended_at').$castTo<Date>().as('ended_at'),
        sql<string>`to_char(d.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('ended_key'),
        eb.ref('d.recipient_kind').$castTo<'staff' | 'client'>().as('recipient_kind'),
        'd.recipient_id',
        'd.client_id',
        'd.couple_id',
        sql<string | null>`COALESCE(c.name, s.name)`.as('recipient_name'),
      ])
      .where('d.practice_id', '=', actor.practiceId)
      .where('d.status', 'in', [sql.lit('failed'), sql.lit('opted_out')]);
    if (listScope(actor) === 'own') {
      const values = { practice: actor.practiceId, me: actor.userId };
      q = q.where(
        sqlText<boolean>(`((d.recipient_kind = 'staff' AND d.recipient_id = ${slot('me')}) OR d.client_id IN (${clientsReachedBy(slot('practice'), slot('me'))}))`, values),
      );
    }
    const { rows, nextCursor } = await keyset.read(q);
    const items = rows.map(
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
    return { items, nextCursor };
  }
}
