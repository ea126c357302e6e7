import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RequestOrigin } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { NotFoundError } from '../common/app-error.js';
import { hashToken, TOKEN_PATTERN } from '../common/tokens.js';

/**
 * One-click unsubscribe (RFC 8058). The token in a message's
 * List-Unsubscribe header names that delivery; using it stops the optional
 * emails its recipient gets: a client's reminders and links, a clinician's
 * digest. Audited as the recipient's own act.
 */
@Injectable()
export class UnsubscribeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
  ) {}

  async unsubscribe(token: string, origin: RequestOrigin): Promise<{ practiceName: string }> {
    if (!TOKEN_PATTERN.test(token)) throw new NotFoundError('unsubscribe link');
    const [row] = (await this.db.query(
      `SELECT d.practice_id, d.recipient_kind, d.recipient_id, p.name AS practice_name
         FROM delivery d JOIN practice p ON p.id = d.practice_id WHERE d.unsubscribe_hash = $1`,
      [hashToken(token)],
    )) as Array<{ practice_id: string; recipient_kind: 'staff' | 'client'; recipient_id: string; practice_name: string }>;
    if (!row) throw new NotFoundError('unsubscribe link');
    const who = { kind: 'anonymous' as const, ...origin, practiceId: row.practice_id, actorId: row.recipient_id };
    await this.writes.transaction(who, async (tx, audit) => {
      if (row.recipient_kind === 'client') {
        await tx.query(`UPDATE client SET email_opted_out_at = COALESCE(email_opted_out_at, now()) WHERE practice_id = $1 AND id = $2`, [
          row.practice_id,
          row.recipient_id,
        ]);
        await audit.record({ action: 'delivery.unsubscribed', recordType: 'client', recordId: row.recipient_id, subjectId: row.recipient_id });
      } else {
        await tx.query(`UPDATE staff_user SET digest_enabled = false WHERE practice_id = $1 AND id = $2`, [row.practice_id, row.recipient_id]);
        await audit.record({ action: 'delivery.unsubscribed', recordType: 'staff_user', recordId: row.recipient_id, detail: { digest: false } });
      }
    });
    return { practiceName: row.practice_name };
  }
}
