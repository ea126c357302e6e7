import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { SqlRunner } from '../common/sql.js';
import { UnauthenticatedError } from '../common/app-error.js';
import type { CookieChange, EndsCookies } from '../common/cookies.js';
import { hashToken, newToken, TOKEN_PATTERN } from '../common/tokens.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';

export const CHALLENGE_COOKIE = 'tandem_sign_in';
const COOKIE_PATH = '/api/auth';
/** Ends the challenge cookie in the browser: the challenge was used. */
export const CHALLENGE_COOKIE_ENDED: CookieChange = { name: CHALLENGE_COOKIE, path: COOKIE_PATH, clear: true };
const EXPIRED_MESSAGE = 'Your sign-in took too long or was already used. Please enter your email and password again.';
/** Time between the password and the second step (or the end of enrolment). */
const CHALLENGE_MINUTES = 10;

export type ChallengePurpose = 'verify' | 'enrol';

export interface Challenge {
  id: string;
  practiceId: string;
  userId: string;
  purpose: ChallengePurpose;
}

/**
 * The state between a right password and the second step: a random token in
 * an HttpOnly, SameSite=Strict cookie scoped to /api/auth, its SHA-256 in the
 * database, short-lived, used once. It grants nothing but the second step.
 */
@Injectable()
export class SignInChallenges {
  constructor(@InjectKysely() private readonly kdb: Db) {}

  /** Opens a challenge; returns the cookie that carries it. */
  async open(tx: SqlRunner, user: { id: string; practiceId: string }, purpose: ChallengePurpose): Promise<CookieChange> {
    const token = newToken();
    const expiresAt = new Date(Date.now() + CHALLENGE_MINUTES * 60_000);
    const db = kyselyOn(tx);
    await db
      .updateTable('staff_sign_in_challenge')
      .set({ used_at: sql`now()` })
      .where('practice_id', '=', user.practiceId)
      .where('staff_user_id', '=', user.id)
      .where('used_at', 'is', null)
      .execute();
    await db
      .insertInto('staff_sign_in_challenge')
      .values({ practice_id: user.practiceId, staff_user_id: user.id, token_hash: hashToken(token), purpose, expires_at: expiresAt })
      .execute();
    return { name: CHALLENGE_COOKIE, path: COOKIE_PATH, value: token, expires: expiresAt };
  }

  /** The open challenge the cookie's `token` names, for this purpose, or 401 (sign in again). */
  async find(token: string | undefined, purpose: ChallengePurpose): Promise<Challenge> {
    if (token && TOKEN_PATTERN.test(token)) {
      const row = await this.kdb
        .selectFrom('staff_sign_in_challenge as c')
        .innerJoin('staff_user as u', (join) => join.onRef('u.practice_id', '=', 'c.practice_id').onRef('u.id', '=', 'c.staff_user_id'))
        .select(['c.id', 'c.practice_id', 'c.staff_user_id', 'c.purpose'])
        .where('c.token_hash', '=', hashToken(token))
        .where('c.used_at', 'is', null)
        .where('c.expires_at', '>', sql<Date>`now()`)
        .where((eb) => eb.ref('u.active'))
        .executeTakeFirst();
      if (row && row.purpose === purpose) return { id: row.id, practiceId: row.practice_id, userId: row.staff_user_id, purpose };
    }
    throw new UnauthenticatedError(EXPIRED_MESSAGE, 'sign_in_expired');
  }

  /**
   * Marks the challenge used, in the transaction that opens the session; false when another
   * request got there first. Either way its cookie has done its work (CHALLENGE_COOKIE_ENDED).
   */
  async use(tx: SqlRunner, challenge: Challenge): Promise<boolean> {
    const used = await kyselyOn(tx)
      .updateTable('staff_sign_in_challenge')
      .set({ used_at: sql`now()` })
      .where('practice_id', '=', challenge.practiceId)
      .where('id', '=', challenge.id)
      .where('used_at', 'is', null)
      .returning('id')
      .execute();
    return used.length > 0;
  }
}

/** The challenge was used by another request meanwhile: sign in again; the cookie ends with the answer. */
export class ChallengeSpentError extends UnauthenticatedError implements EndsCookies {
  readonly cookies = [CHALLENGE_COOKIE_ENDED];

  constructor() {
    super(EXPIRED_MESSAGE, 'sign_in_expired');
  }
}
