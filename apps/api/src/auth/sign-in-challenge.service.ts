import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UnauthenticatedError } from '../common/app-error.js';
import type { CookieChange, EndsCookies } from '../common/cookies.js';
import { hashToken, newToken, TOKEN_PATTERN } from '../common/tokens.js';
import { modify, type SqlRunner } from '../common/sql.js';

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
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Opens a challenge; returns the cookie that carries it. */
  async open(tx: SqlRunner, user: { id: string; practiceId: string }, purpose: ChallengePurpose): Promise<CookieChange> {
    const token = newToken();
    const expiresAt = new Date(Date.now() + CHALLENGE_MINUTES * 60_000);
    await tx.query(`UPDATE staff_sign_in_challenge SET used_at = now() WHERE practice_id = $1 AND staff_user_id = $2 AND used_at IS NULL`, [
      user.practiceId,
      user.id,
    ]);
    await tx.query(
      `INSERT INTO staff_sign_in_challenge (practice_id, staff_user_id, token_hash, purpose, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [user.practiceId, user.id, hashToken(token), purpose, expiresAt],
    );
    return { name: CHALLENGE_COOKIE, path: COOKIE_PATH, value: token, expires: expiresAt };
  }

  /** The open challenge the cookie's `token` names, for this purpose, or 401 (sign in again). */
  async find(token: string | undefined, purpose: ChallengePurpose): Promise<Challenge> {
    if (token && TOKEN_PATTERN.test(token)) {
      const [row] = (await this.db.query(
        `SELECT c.id, c.practice_id, c.staff_user_id, c.purpose FROM staff_sign_in_challenge c
           JOIN staff_user u ON u.practice_id = c.practice_id AND u.id = c.staff_user_id
          WHERE c.token_hash = $1 AND c.used_at IS NULL AND c.expires_at > now() AND u.active`,
        [hashToken(token)],
      )) as Array<{ id: string; practice_id: string; staff_user_id: string; purpose: ChallengePurpose }>;
      if (row && row.purpose === purpose) return { id: row.id, practiceId: row.practice_id, userId: row.staff_user_id, purpose };
    }
    throw new UnauthenticatedError(EXPIRED_MESSAGE, 'sign_in_expired');
  }

  /**
   * Marks the challenge used, in the transaction that opens the session; false when another
   * request got there first. Either way its cookie has done its work (CHALLENGE_COOKIE_ENDED).
   */
  async use(tx: SqlRunner, challenge: Challenge): Promise<boolean> {
    const used = await modify(tx, `UPDATE staff_sign_in_challenge SET used_at = now() WHERE practice_id = $1 AND id = $2 AND used_at IS NULL RETURNING id`, [
      challenge.practiceId,
      challenge.id,
    ]);
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
