import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { RequestOrigin } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { NotFoundError, ValidationFailedError } from '../common/app-error.js';
import { hashToken, newToken } from '../common/tokens.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { InjectKysely, type Db } from '../db/kysely.js';
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
    @InjectKysely() private readonly kdb: Db,
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
    const accounts = await this.kdb
      .selectFrom('staff_user as u')
      .select([
        'u.id',
        'u.practice_id',
        sql<number>`(SELECT count(*)::int FROM password_reset r
                      WHERE r.practice_id = u.practice_id AND r.staff_user_id = u.id AND r.created_at > now() - interval '1 hour')`.as('recent'),
      ])
      .where('u.email', '=', email)
      .where((eb) => eb.ref('u.active'))
      .where('u.password_hash', 'is not', null)
      .execute();
    for (const account of accounts) {
      if (account.recent >= RESETS_PER_HOUR) continue;
      const who = { kind: 'anonymous' as const, ...origin, practiceId: account.practice_id, actorId: account.id };
      await this.writes.transaction(who, async (tx, audit, db) => {
        const token = newToken();
        const reset = await db
          .insertInto('password_reset')
          .values({
            practice_id: account.practice_id,
            staff_user_id: account.id,
            token_hash: hashToken(token),
            expires_at: sql`now() + make_interval(mins => ${this.config.mail.resetMinutes})`,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await this.outbox.enqueue(tx, {
          practiceId: account.practice_id,
          kind: 'password_reset',
          to: { kind: 'staff', id: account.id },
          dedupeKey: `password_reset:${reset.id}`,
          params: { baseUrl: this.config.publicBaseUrl ?? baseUrl },
          secret: token,
        });
        await audit.record({ action: 'auth.password_reset_requested', recordType: 'staff_user', recordId: account.id });
      });
    }
  }

  /** Uses a reset link: sets the password, ends the link and every session of that person. */
  async reset(token: string, password: string, origin: RequestOrigin): Promise<void> {
    const found = await this.kdb
      .selectFrom('password_reset as r')
      .innerJoin('staff_user as u', (join) => join.onRef('u.id', '=', 'r.staff_user_id').onRef('u.practice_id', '=', 'r.practice_id'))
      .select(['r.id', 'r.practice_id', 'r.staff_user_id', 'u.email'])
      .where('r.token_hash', '=', hashToken(token))
      .where('r.used_at', 'is', null)
      .where('r.expires_at', '>', sql<Date>`now()`)
      .where((eb) => eb.ref('u.active'))
      .executeTakeFirst();
    if (!found) throw new NotFoundError('reset link');
    const problem = passwordProblem(password, found.email);
    if (problem) throw new ValidationFailedError({ password: problem });
    const passwordHash = await hashPassword(password);
    const who = { kind: 'anonymous' as const, ...origin, practiceId: found.practice_id, actorId: found.staff_user_id };
    await this.writes.transaction(who, async (tx, audit, db) => {
      const used = await db.updateTable('password_reset').set({ used_at: sql`now()` }).where('id', '=', found.id).where('used_at', 'is', null).returning('id').execute();
      if (used.length === 0) throw new NotFoundError('reset link');
      // Any other open reset links of this person end too.
      await db
        .updateTable('password_reset')
        .set({ used_at: sql`now()` })
        .where('practice_id', '=', found.practice_id)
        .where('staff_user_id', '=', found.staff_user_id)
        .where('used_at', 'is', null)
        .execute();
      await db
        .updateTable('staff_user')
        .set({ password_hash: passwordHash, updated_at: sql`now()` })
        .where('id', '=', found.staff_user_id)
        .where('practice_id', '=', found.practice_id)
        .execute();
      await this.sessions.revokeAllForUser(found.practice_id, found.staff_user_id, tx);
      await audit.record({ action: 'auth.password_reset', recordType: 'staff_user', recordId: found.staff_user_id });
    });
  }
}
