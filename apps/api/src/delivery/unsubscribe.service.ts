import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { RequestOrigin } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { NotFoundError } from '../common/app-error.js';
import { hashToken, TOKEN_PATTERN } from '../common/tokens.js';
import { InjectKysely, type Db } from '../db/kysely.js';

/**
 * One-click unsubscribe (RFC 8058). The token in a message's
 * List-Unsubscribe header names that delivery; using it stops the optional
 * emails its recipient gets: a client's reminders and links, a clinician's
 * digest. Audited as the recipient's own act.
 */
@Injectable()
export class UnsubscribeService {
  constructor(
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  async unsubscribe(token: string, origin: RequestOrigin): Promise<{ practiceName: string }> {
    if (!TOKEN_PATTERN.test(token)) throw new NotFoundError('unsubscribe link');
    const row = await this.kdb
      .selectFrom('delivery as d')
      .innerJoin('practice as p', 'p.id', 'd.practice_id')
      .select(['d.practice_id', 'd.recipient_kind', 'd.recipient_id', 'p.name as practice_name'])
      .where('d.unsubscribe_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) throw new NotFoundError('unsubscribe link');
    const who = { kind: 'anonymous' as const, ...origin, practiceId: row.practice_id, actorId: row.recipient_id };
    await this.writes.transaction(who, async (_tx, audit, db) => {
      if (row.recipient_kind === 'client') {
        await db
          .updateTable('client')
          .set({ email_opted_out_at: sql`COALESCE(email_opted_out_at, now())` })
          .where('practice_id', '=', row.practice_id)
          .where('id', '=', row.recipient_id)
          .execute();
        await audit.record({ action: 'delivery.unsubscribed', recordType: 'client', recordId: row.recipient_id, subjectId: row.recipient_id });
      } else {
        await db.updateTable('staff_user').set({ digest_enabled: false }).where('practice_id', '=', row.practice_id).where('id', '=', row.recipient_id).execute();
        await audit.record({ action: 'delivery.unsubscribed', recordType: 'staff_user', recordId: row.recipient_id, detail: { digest: false } });
      }
    });
    return { practiceName: row.practice_name };
  }
}
