import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { PracticeSecurity, RecoveryCodesResponse, TwoFactorEnrolment, TwoFactorStatus } from '@tandem/shared';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { NotFoundError, RuleViolationError, ValidationFailedError } from '../common/app-error.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { GuessingLimits } from './guessing-limits.js';
import { SessionService } from './session.service.js';
import { TwoFactorService } from './two-factor.service.js';

const WRONG_CODE = { code: 'is not right, or it was already used; enter the newest code from your app or an unused recovery code' };

/** Two-factor sign-in from the signed-in side: one's own factor, the practice's requirement, an admin's reset. */
@Injectable()
export class TwoFactorSettingsService {
  constructor(
    @InjectKysely() private readonly kdb: Db,
    @Inject(TwoFactorService) private readonly twoFactor: TwoFactorService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(GuessingLimits) private readonly limits: GuessingLimits,
  ) {}

  status(actor: StaffActor): Promise<TwoFactorStatus> {
    return this.twoFactor.status(actor.practiceId, actor.userId);
  }

  startEnrolment(actor: StaffActor): Promise<TwoFactorEnrolment> {
    return this.writes.transaction(actor, async (tx, audit) => {
      const enrolment = await this.twoFactor.startEnrolment(tx, actor.practiceId, actor.userId);
      await audit.record({ action: 'two_factor.enrolment_started', recordType: 'staff_user', recordId: actor.userId });
      return enrolment;
    });
  }

  confirmEnrolment(actor: StaffActor, code: string): Promise<RecoveryCodesResponse> {
    return this.writes.transaction(actor, async (tx, audit) => {
      const recoveryCodes = await this.twoFactor.confirmEnrolment(tx, actor.practiceId, actor.userId, code);
      await audit.record({ action: 'two_factor.enabled', recordType: 'staff_user', recordId: actor.userId });
      return { recoveryCodes };
    });
  }

  /** Ten new recovery codes (the old ones stop working); asks for a current code first. */
  async newRecoveryCodes(actor: StaffActor, code: string): Promise<RecoveryCodesResponse> {
    await this.limits.factorChangeByAccount.check([actor.userId]);
    const codes = await this.writes.transaction(actor, async (tx, audit) => {
      if (!(await this.twoFactor.consume(tx, actor.practiceId, actor.userId, code))) return null;
      const recoveryCodes = await this.twoFactor.replaceRecoveryCodes(tx, actor.practiceId, actor.userId);
      await audit.record({ action: 'two_factor.recovery_codes_replaced', recordType: 'staff_user', recordId: actor.userId });
      return recoveryCodes;
    });
    if (!codes) {
      await this.limits.factorChangeByAccount.fail([actor.userId]);
      throw new ValidationFailedError(WRONG_CODE);
    }
    return { recoveryCodes: codes };
  }

  /** Turns one's own two-factor sign-in off (asks for a current code); not while the practice requires it. */
  async disable(actor: StaffActor, code: string): Promise<void> {
    await this.limits.factorChangeByAccount.check([actor.userId]);
    const done = await this.writes.transaction(actor, async (tx, audit, db) => {
      const practice = await db.selectFrom('practice').select('require_two_factor').where('id', '=', actor.practiceId).executeTakeFirst();
      if (practice?.require_two_factor) {
        throw new RuleViolationError('two_factor_required', 'Your practice requires two-factor sign-in, so it cannot be turned off. An admin can reset it if you lost your device.');
      }
      if (!(await this.twoFactor.consume(tx, actor.practiceId, actor.userId, code))) return false;
      await this.twoFactor.remove(tx, actor.practiceId, actor.userId);
      await audit.record({ action: 'two_factor.disabled', recordType: 'staff_user', recordId: actor.userId });
      return true;
    });
    if (!done) {
      await this.limits.factorChangeByAccount.fail([actor.userId]);
      throw new ValidationFailedError(WRONG_CODE);
    }
  }

  /**
   * An admin resets a colleague who lost their device and recovery codes:
   * the factor goes, their sessions end, and they enrol again at next sign-in
   * when the practice requires it.
   */
  async reset(actor: StaffActor, staffId: string): Promise<void> {
    await this.writes.transaction(actor, async (tx, audit, db) => {
      const row = await db.selectFrom('staff_user').select('id').where('practice_id', '=', actor.practiceId).where('id', '=', staffId).executeTakeFirst();
      if (!row) throw new NotFoundError('staff member');
      await this.twoFactor.remove(tx, actor.practiceId, staffId);
      await this.sessions.revokeAllForUser(actor.practiceId, staffId, tx);
      await audit.record({ action: 'two_factor.reset', recordType: 'staff_user', recordId: staffId });
    });
  }

  async practiceSecurity(actor: StaffActor): Promise<PracticeSecurity> {
    const row = await this.kdb
      .selectFrom('practice as p')
      .select([
        'p.require_two_factor',
        sql<number>`(SELECT count(*) FROM staff_user u
                      WHERE u.practice_id = p.id AND u.active
                        AND NOT EXISTS (SELECT 1 FROM staff_totp t WHERE t.practice_id = u.practice_id AND t.staff_user_id = u.id AND t.confirmed_at IS NOT NULL))::int`.as('without'),
      ])
      .where('p.id', '=', actor.practiceId)
      .executeTakeFirst();
    return { requireTwoFactor: row!.require_two_factor, staffWithoutTwoFactor: row!.without };
  }

  async setPracticeSecurity(actor: StaffActor, requireTwoFactor: boolean): Promise<PracticeSecurity> {
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      const before = await db.selectFrom('practice').select('require_two_factor').where('id', '=', actor.practiceId).forUpdate().executeTakeFirstOrThrow();
      if (before.require_two_factor === requireTwoFactor) return;
      await db.updateTable('practice').set({ require_two_factor: requireTwoFactor }).where('id', '=', actor.practiceId).execute();
      await audit.record({ action: 'practice.security_changed', recordType: 'practice', recordId: actor.practiceId, detail: { requireTwoFactor } });
    });
    return this.practiceSecurity(actor);
  }
}
