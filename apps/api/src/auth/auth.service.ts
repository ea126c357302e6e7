import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sql } from 'kysely';
import type { LoginResponse, MeResponse, StaffRole, TwoFactorEnrolment, TwoFactorSignInEnrolled } from '@tandem/shared';
import { NotFoundError, UnauthenticatedError, ValidationFailedError } from '../common/app-error.js';
import type { SessionOrigin, WithCookies } from '../common/cookies.js';
import { hashToken } from '../common/tokens.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import type { RequestOrigin, StaffActor } from '../access/actor.js';
import { AuditedWrites, type AuditRecorder } from '../audit/audited-writes.service.js';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { GuessingLimits } from './guessing-limits.js';
import { SESSION_COOKIE_ENDED, SessionService, type SessionTimes } from './session.service.js';
import type { LoginDto } from './dto/login.dto.js';
import type { SetPasswordDto } from './dto/set-password.dto.js';
import type { TwoFactorCodeDto } from './dto/two-factor.dto.js';
import { CHALLENGE_COOKIE_ENDED, ChallengeSpentError, SignInChallenges, type Challenge } from './sign-in-challenge.service.js';
import { TwoFactorService } from './two-factor.service.js';

@Injectable()
export class AuthService {
  constructor(
    @InjectKysely() private readonly kdb: Db,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(TwoFactorService) private readonly twoFactor: TwoFactorService,
    @Inject(SignInChallenges) private readonly challenges: SignInChallenges,
    @Inject(GuessingLimits) private readonly limits: GuessingLimits,
  ) {}

  async login(dto: LoginDto, origin: SessionOrigin): Promise<WithCookies<LoginResponse>> {
    const email = dto.email.trim().toLowerCase();
    const emailKey = [`email:${email}`];
    const addressKey = [`ip:${origin.ip}`];
    await this.limits.signInByEmail.check(emailKey);
    await this.limits.signInByAddress.check(addressKey);

    // The same email may belong to staff of two practices; the password decides which.
    const candidates = await this.kdb
      .selectFrom('staff_user')
      .select(['id', 'practice_id', 'password_hash'])
      .where('email', '=', email)
      .where((eb) => eb.ref('active'))
      .where('password_hash', 'is not', null)
      .$narrowType<{ password_hash: string }>()
      .orderBy('created_at')
      .limit(5)
      .execute();
    let matched: (typeof candidates)[number] | undefined;
    for (const candidate of candidates) {
      if (await verifyPassword(candidate.password_hash, dto.password)) {
        matched = candidate;
        break;
      }
    }
    if (candidates.length === 0) await verifyPassword(await DUMMY_HASH, dto.password);
    if (!matched) {
      await this.limits.signInByEmail.fail(emailKey);
      await this.limits.signInByAddress.fail(addressKey);
      // Each practice where the email has an account sees the failure in its own log.
      const practices = candidates.length > 0 ? candidates : [undefined];
      const attempts = practices.map((candidate) => ({ kind: 'anonymous' as const, ...origin, practiceId: candidate?.practice_id ?? null, actorId: candidate?.id ?? null }));
      await this.writes.transaction(attempts[0]!, async (_tx, audit) => {
        for (const [i, candidate] of practices.entries()) {
          await audit.record({ action: 'auth.sign_in_failed', recordType: candidate ? 'staff_user' : undefined, recordId: candidate?.id }, attempts[i]);
        }
      });
      throw new UnauthenticatedError('That email and password do not match an active account.', 'invalid_credentials');
    }
    const actor: StaffActor = { kind: 'staff', userId: matched.id, practiceId: matched.practice_id, roles: [], sessionId: '', requestId: origin.requestId, ip: origin.ip };
    const factor = await this.twoFactor.status(matched.practice_id, matched.id);
    if (factor.enabled || factor.required) {
      // No session yet: the second step (or enrolment, when the practice requires it) comes first.
      const purpose = factor.enabled ? 'verify' : 'enrol';
      const cookie = await this.writes.transaction(actor, async (tx, audit) => {
        const opened = await this.challenges.open(tx, { id: matched.id, practiceId: matched.practice_id }, purpose);
        await audit.record({ action: 'auth.password_verified', recordType: 'staff_user', recordId: matched.id, detail: { next: purpose } });
        return opened;
      });
      return { body: { step: purpose === 'verify' ? 'two-factor' : 'enrol-two-factor' }, cookies: [cookie] };
    }
    const session = await this.writes.transaction(actor, async (tx, audit) => {
      const opened = await this.sessions.open({ id: matched.id, practiceId: matched.practice_id }, origin, tx);
      await audit.record({ action: 'auth.sign_in', recordType: 'staff_user', recordId: matched.id });
      return opened;
    });
    return { body: await this.me(actor, session.times), cookies: [session.cookie] };
  }

  async me(actor: StaffActor, times: SessionTimes): Promise<MeResponse> {
    const row = await this.kdb
      .selectFrom('staff_user as u')
      .innerJoin('practice as p', 'p.id', 'u.practice_id')
      .select(['u.id', 'u.email', 'u.name', 'u.roles', 'p.id as practice_id', 'p.name as practice_name', 'p.timezone', 'p.locale'])
      .where('u.id', '=', actor.userId)
      .where('u.practice_id', '=', actor.practiceId)
      .executeTakeFirst();
    if (!row) throw new UnauthenticatedError();
    return {
      user: { id: row.id, email: row.email, name: row.name, roles: row.roles as StaffRole[] },
      practice: { id: row.practice_id, name: row.practice_name, timezone: row.timezone, locale: row.locale },
      session: {
        idleExpiresAt: times.idleExpiresAt.toISOString(),
        absoluteExpiresAt: times.absoluteExpiresAt.toISOString(),
      },
    };
  }

  /** Ends the session the cookie's `token` names; the cookie ends whatever it named. */
  async logout(token: string | undefined, from: RequestOrigin): Promise<WithCookies<void>> {
    const origin = { kind: 'anonymous' as const, requestId: from.requestId, ip: from.ip };
    await this.writes.transaction(origin, async (tx, audit) => {
      const ended = await this.sessions.revokeByToken(token, tx);
      if (ended) {
        await audit.record({ action: 'auth.sign_out', recordType: 'staff_user', recordId: ended.userId }, { ...origin, practiceId: ended.practiceId, actorId: ended.userId });
      }
    });
    return { body: undefined, cookies: [SESSION_COOKIE_ENDED] };
  }

  /** What the invite link's page shows before a password is chosen. */
  async describeInvite(token: string) {
    const invite = await this.findOpenInvite(token);
    return { email: invite.email, name: invite.name, practiceName: invite.practice_name };
  }

  /** Consumes a one-time invite link and sets the password it was issued for. */
  async setPassword(dto: SetPasswordDto, origin: RequestOrigin): Promise<void> {
    const invite = await this.findOpenInvite(dto.token);
    const problem = passwordProblem(dto.password, invite.email, [invite.name, invite.practice_name]);
    if (problem) throw new ValidationFailedError({ password: problem });
    const passwordHash = await hashPassword(dto.password);
    const who = { kind: 'anonymous' as const, ...origin, practiceId: invite.practice_id, actorId: invite.staff_user_id };
    await this.writes.transaction(who, async (tx, audit, db) => {
      const used = await db.updateTable('staff_invite').set({ used_at: sql`now()` }).where('id', '=', invite.invite_id).where('used_at', 'is', null).returning('id').execute();
      if (used.length === 0) throw new NotFoundError('invite link');
      await db
        .updateTable('staff_user')
        .set({ password_hash: passwordHash, updated_at: sql`now()` })
        .where('id', '=', invite.staff_user_id)
        .where('practice_id', '=', invite.practice_id)
        .execute();
      await this.sessions.revokeAllForUser(invite.practice_id, invite.staff_user_id, tx);
      await audit.record({ action: 'auth.password_set', recordType: 'staff_user', recordId: invite.staff_user_id });
    });
  }

  private async findOpenInvite(token: string) {
    const invite = await this.kdb
      .selectFrom('staff_invite as i')
      .innerJoin('staff_user as u', 'u.id', 'i.staff_user_id')
      .innerJoin('practice as p', 'p.id', 'i.practice_id')
      .select(['i.id as invite_id', 'i.staff_user_id', 'i.practice_id', 'u.email', 'u.name', 'p.name as practice_name'])
      .where('i.token_hash', '=', hashToken(token))
      .where('i.used_at', 'is', null)
      .where('i.expires_at', '>', sql<Date>`now()`)
      .where((eb) => eb.ref('u.active'))
      .executeTakeFirst();
    if (!invite) {
      throw new NotFoundError('invite link');
    }
    return invite;
  }

  /** The second step: a code from the authenticator app, or one recovery code. Rate limited like the password. */
  async verifySecondStep(dto: TwoFactorCodeDto, challengeToken: string | undefined, origin: SessionOrigin): Promise<WithCookies<MeResponse>> {
    const challenge = await this.challenges.find(challengeToken, 'verify');
    return this.finishSignIn(challenge, origin, async (tx, audit, actor) => {
      const factor = await this.twoFactor.consume(tx, challenge.practiceId, challenge.userId, dto.code);
      if (factor) await audit.record({ action: 'auth.sign_in', recordType: 'staff_user', recordId: challenge.userId, detail: { secondFactor: factor } }, actor);
      return factor !== null;
    });
  }

  /** Enrolment at sign-in, when the practice requires two-factor sign-in and this person has none yet. */
  async startSignInEnrolment(challengeToken: string | undefined, origin: RequestOrigin): Promise<TwoFactorEnrolment> {
    const challenge = await this.challenges.find(challengeToken, 'enrol');
    const who = this.challengeActor(challenge, origin);
    return this.writes.transaction(who, async (tx, audit) => {
      const enrolment = await this.twoFactor.startEnrolment(tx, challenge.practiceId, challenge.userId);
      await audit.record({ action: 'two_factor.enrolment_started', recordType: 'staff_user', recordId: challenge.userId });
      return enrolment;
    });
  }

  async confirmSignInEnrolment(dto: TwoFactorCodeDto, challengeToken: string | undefined, origin: SessionOrigin): Promise<WithCookies<TwoFactorSignInEnrolled>> {
    const challenge = await this.challenges.find(challengeToken, 'enrol');
    let recoveryCodes: string[] = [];
    const signedIn = await this.finishSignIn(challenge, origin, async (tx, audit, actor) => {
      try {
        recoveryCodes = await this.twoFactor.confirmEnrolment(tx, challenge.practiceId, challenge.userId, dto.code);
      } catch (error) {
        if (error instanceof ValidationFailedError) return false;
        throw error;
      }
      await audit.record({ action: 'two_factor.enabled', recordType: 'staff_user', recordId: challenge.userId }, actor);
      await audit.record({ action: 'auth.sign_in', recordType: 'staff_user', recordId: challenge.userId, detail: { secondFactor: 'totp', enrolled: true } }, actor);
      return true;
    });
    return { body: { me: signedIn.body, recoveryCodes }, cookies: signedIn.cookies };
  }

  /**
   * Runs `check` in the transaction that uses the challenge and opens the
   * session. A failed check commits only its audit event and counts against
   * the account's and the address's limits.
   */
  private async finishSignIn(
    challenge: Challenge,
    origin: SessionOrigin,
    check: (tx: EntityManager, audit: AuditRecorder, actor: StaffActor) => Promise<boolean>,
  ): Promise<WithCookies<MeResponse>> {
    const accountKey = [`account:${challenge.userId}`];
    const addressKey = [`ip:${origin.ip}`];
    await this.limits.secondStepByAccount.check(accountKey);
    await this.limits.signInByAddress.check(addressKey);
    const actor: StaffActor = { kind: 'staff', userId: challenge.userId, practiceId: challenge.practiceId, roles: [], sessionId: '', requestId: origin.requestId, ip: origin.ip };
    const session = await this.writes.transaction(this.challengeActor(challenge, origin), async (tx, audit) => {
      // The sign-in itself is the staff member's; a failed attempt stays anonymous, like a wrong password.
      if (!(await check(tx, audit, actor))) {
        await audit.record({ action: 'auth.second_step_failed', recordType: 'staff_user', recordId: challenge.userId });
        return null;
      }
      if (!(await this.challenges.use(tx, challenge))) throw new ChallengeSpentError();
      return this.sessions.open({ id: challenge.userId, practiceId: challenge.practiceId }, origin, tx);
    });
    if (!session) {
      await this.limits.secondStepByAccount.fail(accountKey);
      await this.limits.signInByAddress.fail(addressKey);
      throw new UnauthenticatedError('That code is not right, or it was already used. Enter the newest code from your app.', 'invalid_code');
    }
    return { body: await this.me(actor, session.times), cookies: [CHALLENGE_COOKIE_ENDED, session.cookie] };
  }

  private challengeActor(challenge: Challenge, origin: RequestOrigin) {
    return { kind: 'anonymous' as const, requestId: origin.requestId, ip: origin.ip, practiceId: challenge.practiceId, actorId: challenge.userId };
  }
}
