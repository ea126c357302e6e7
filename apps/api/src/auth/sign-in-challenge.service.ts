import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { DataSource, EntityManager } from 'typeorm';
import { UnauthenticatedError } from '../common/app-error.js';
import { hashToken, newToken, TOKEN_PATTERN } from '../common/tokens.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';

export const CHALLENGE_COOKIE = 'tandem_sign_in';
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

  async open(tx: DataSource | EntityManager, user: { id: string; practiceId: string }, purpose: ChallengePurpose, request: FastifyRequest, reply: FastifyReply): Promise<void> {
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
    reply.setCookie(CHALLENGE_COOKIE, token, {
      path: '/api/auth',
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      expires: expiresAt,
    });
  }

  /** The open challenge of this request, for this purpose, or 401 (sign in again). */
  async find(request: FastifyRequest, purpose: ChallengePurpose): Promise<Challenge> {
    const token = request.cookies?.[CHALLENGE_COOKIE];
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
    throw new UnauthenticatedError('Your sign-in took too long or was already used. Please enter your email and password again.', 'sign_in_expired');
  }

  /** Marks the challenge used, in the transaction that opens the session; false when another request got there first. */
  async use(tx: DataSource | EntityManager, challenge: Challenge, reply: FastifyReply): Promise<boolean> {
    const used = await kyselyOn(tx)
      .updateTable('staff_sign_in_challenge')
      .set({ used_at: sql`now()` })
      .where('practice_id', '=', challenge.practiceId)
      .where('id', '=', challenge.id)
      .where('used_at', 'is', null)
      .returning('id')
      .execute();
    reply.clearCookie(CHALLENGE_COOKIE, { path: '/api/auth' });
    return used.length > 0;
  }
}
