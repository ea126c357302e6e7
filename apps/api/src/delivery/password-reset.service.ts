import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RequestOrigin } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { NotFoundError, ValidationFailedError } from '../common/app-error.js';
import { hashToken, newToken } from '../common/tokens.js';
import { modify } from '../common/sql.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { GuessingLimits } from '../auth/guessing-limits.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { SessionService } from '../auth/session.service.js';
import { Outbox } from './outbox.service.js';

/** Resets asked for one account within an hour, beyond which no new link is sent. */
const RESETS_PER_HOUR = 3;

/**
 * Password reset by email. The answer to a request is the same whether or
 * not the address belongs to anyone; a link works once, for
 * TANDEM_RESET_MINUTES, and only its hash is kept. Requests are limited per
 * account and per address asking (GuessingLimits), all in the database.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(GuessingLimits) private readonly limits: GuessingLimits,
  ) {}

  async request(email: string, origin: RequestOrigin, baseUrl: string): Promise<void> {
    await this.limits.resetByAddress.check([`reset:${origin.ip}`]);
    await this.limits.resetByAddress.fail([`reset:${origin.ip}`]);
    // Emails are unique per practice: someone on staff in two practices gets a link for each.
    const accounts = (await this.db.query(
      `SELECT u.id, u.practice_id,
              (SELECT count(*)::int FROM password_reset r
                WHERE r.practice_id = u.practice_id AND r.staff_user_id = u.id AND r.created_at > now() - interval '1 hour') AS recent
         FROM staff_user u WHERE u.email = $1 AND u.active AND u.password_hash IS NOT NULL`,
      [email],
    )) as Array<{ id: string; practice_id: string; recent: number }>;
    for (const account of accounts) {
      if (account.recent >= RESETS_PER_HOUR) continue;
      const who = { kind: 'anonymous' as const, ...origin, practiceId: account.practice_id, actorId: account.id };
      await this.writes.transaction(who, async (tx, audit) => {
        const token = newToken();
        const [reset] = (await tx.query(
          `INSERT INTO password_reset (practice_id, staff_user_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(mins => $4)) RETURNING id`,
          [account.practice_id, account.id, hashToken(token), this.config.mail.resetMinutes],
        )) as Array<{ id: string }>;
        await this.outbox.enqueue(tx, {
          practiceId: account.practice_id,
          kind: 'password_reset',
          to: { kind: 'staff', id: account.id },
          dedupeKey: `password_reset:${reset!.id}`,
          params: { baseUrl: this.config.publicBaseUrl ?? baseUrl },
          secret: token,
        });
        await audit.record({ action: 'auth.password_reset_requested', recordType: 'staff_user', recordId: account.id });
      });
    }
  }

  /** Uses a reset link: sets the password, ends the link and every session of that person. */
  async reset(token: string, password: string, origin: RequestOrigin): Promise<void> {
    const [found] = (await this.db.query(
      `SELECT r.id, r.practice_id, r.staff_user_id, u.email FROM password_reset r
         JOIN staff_user u ON u.id = r.staff_user_id AND u.practice_id = r.practice_id
        WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND u.active`,
      [hashToken(token)],
    )) as Array<{ id: string; practice_id: string; staff_user_id: string; email: string }>;
    if (!found) throw new NotFoundError('reset link');
    const problem = passwordProblem(password, found.email);
    if (problem) throw new ValidationFailedError({ password: problem });
    const passwordHash = await hashPassword(password);
    const who = { kind: 'anonymous' as const, ...origin, practiceId: found.practice_id, actorId: found.staff_user_id };
    await this.writes.transaction(who, async (tx, audit) => {
      const used = await modify<{ id: string }>(tx, `UPDATE password_reset SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id`, [found.id]);
      if (used.length === 0) throw new NotFoundError('reset link');
      // Any other open reset links of this person end too.
      await tx.query(`UPDATE password_reset SET used_at = now() WHERE practice_id = $1 AND staff_user_id = $2 AND used_at IS NULL`, [
        found.practice_id,
        found.staff_user_id,
      ]);
      await tx.query(`UPDATE staff_user SET password_hash = $1, updated_at = now() WHERE id = $2 AND practice_id = $3`, [
        passwordHash,
        found.staff_user_id,
        found.practice_id,
      ]);
      await this.sessions.revokeAllForUser(found.practice_id, found.staff_user_id, tx);
      await audit.record({ action: 'auth.password_reset', recordType: 'staff_user', recordId: found.staff_user_id });
    });
  }
}
