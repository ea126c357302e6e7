import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import type { StaffRole } from '@tandem/shared';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { hashToken, newToken, TOKEN_PATTERN } from '../common/tokens.js';
import type { SqlRunner } from '../common/sql.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import { compiledOnce, type Slots } from '../db/compiled-once.js';
import type { RequestOrigin, StaffActor } from '../access/actor.js';
import type { CookieChange, SessionOrigin } from '../common/cookies.js';

export const SESSION_COOKIE = 'tandem_session';
const COOKIE_PATH = '/api';
/** Ends the session cookie in the browser. */
export const SESSION_COOKIE_ENDED: CookieChange = { name: SESSION_COOKIE, path: COOKIE_PATH, clear: true };
/** Activity is recorded to the second: a request within a second of the last write does not write again. */
const TOUCH_GRACE_SECONDS = 1;

export interface SessionTimes {
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

/**
 * What a request's session cookie turned out to be: none (or not a token),
 * unknown (names no open session: end the cookie), ended (it timed out just
 * now and is revoked: end the cookie, and say so), or open.
 */
export type StaffAuthentication =
  | { kind: 'none' }
  | { kind: 'unknown' }
  | { kind: 'ended' }
  | { kind: 'open'; actor: StaffActor; times: SessionTimes };

const grace = sql.lit(TOUCH_GRACE_SECONDS);
/** The session a token names, touched when still open (see authenticateStaff): compiled once, run on every staff request. */
const findSession = compiledOnce((db, p: Slots<{ tokenHash: Buffer; idleSeconds: number }>) =>
  db
    .with('relaxed', (qb) => qb.selectNoFrom(sql`set_config('synchronous_commit', 'off', true)`.as('set_config')))
    .with('found', (qb) =>
      qb
        .selectFrom('staff_session as s')
        .innerJoin('staff_user as u', 'u.id', 's.staff_user_id')
        .innerJoin('practice as p', 'p.id', 's.practice_id')
        .select([
          's.id',
          's.practice_id',
          's.staff_user_id',
          'u.roles',
          's.expires_at',
          's.last_seen_at',
          sql<boolean>`s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => ${p.idleSeconds} + ${grace})`.as('open'),
          // Today in the practice's time zone, read with the session so a page that needs it does not ask again.
          sql<string>`to_char((now() AT TIME ZONE p.timezone)::date, 'YYYY-MM-DD')`.as('today'),
        ])
        .where('s.token_hash', '=', p.tokenHash)
        .where('s.revoked_at', 'is', null)
        .where((eb) => eb.ref('u.active')),
    )
    .with('touched', (qb) =>
      qb
        .updateTable('staff_session as t')
        .set({ last_seen_at: sql`now()` })
        .from('found')
        .whereRef('t.id', '=', 'found.id')
        .where((eb) => eb.ref('found.open'))
        .where('t.last_seen_at', '<', sql<Date>`now() - make_interval(secs => ${grace})`)
        .returning('t.last_seen_at'),
    )
    .selectFrom(['found', 'relaxed'])
    .select([
      'found.id',
      'found.practice_id',
      'found.staff_user_id',
      'found.roles',
      'found.expires_at',
      'found.today',
      // When the session was last seen (this request, to the second) if it was still open; null when it had timed out.
      sql<Date | null>`CASE WHEN found.open THEN COALESCE((SELECT last_seen_at FROM touched), found.last_seen_at) END`.as('touched_at'),
    ]),
);

@Injectable()
export class SessionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  private get idleMs() {
    return this.config.session.idleMinutes * 60_000;
  }

  /** Creates a session for a verified user; returns its times and the cookie that carries it. */
  async open(user: { id: string; practiceId: string }, origin: SessionOrigin, runner: SqlRunner = this.db): Promise<{ times: SessionTimes; cookie: CookieChange }> {
    const token = newToken();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.session.absoluteHours * 3_600_000);
    // Address and user agent are kept for the sessions page ("Firefox on Windows, 203.0.113.7").
    const { ip: address, userAgent } = origin;
    await kyselyOn(runner)
      .insertInto('staff_session')
      .values({
        practice_id: user.practiceId,
        staff_user_id: user.id,
        token_hash: hashToken(token),
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        ip: address || null,
        user_agent: userAgent,
      })
      .execute();
    return {
      times: { idleExpiresAt: new Date(now.getTime() + this.idleMs), absoluteExpiresAt: expiresAt },
      cookie: { name: SESSION_COOKIE, path: COOKIE_PATH, value: token, expires: expiresAt },
    };
  }

  /** The staff actor of the session the cookie's `token` names, and its times; or why there is none. */
  async authenticateStaff(token: string | undefined, origin: RequestOrigin): Promise<StaffAuthentication> {
    if (!token || !TOKEN_PATTERN.test(token)) return { kind: 'none' };
    // One statement finds the session and, when it is still open, records this request as its
    // latest activity, so every request moves the idle deadline to now + the setting. The write is
    // skipped when the last one is under a second old (a page's burst of parallel requests writes
    // once), and the deadline carries that second of grace: never early, at most a second late.
    // It commits without waiting for the disk (synchronous_commit off, for this statement's
    // transaction only): a crash could lose the last seconds of "last seen", nothing else.
    const row = await findSession.first(this.kdb, { tokenHash: hashToken(token), idleSeconds: this.idleMs / 1000 });
    if (!row) return { kind: 'unknown' };
    if (!row.touched_at) {
      await this.kdb.updateTable('staff_session').set({ revoked_at: sql`now()` }).where('id', '=', row.id).where('revoked_at', 'is', null).execute();
      return { kind: 'ended' };
    }
    return {
      kind: 'open',
      actor: {
        kind: 'staff',
        userId: row.staff_user_id,
        practiceId: row.practice_id,
        roles: row.roles as StaffRole[],
        sessionId: row.id,
        // Read with the session, so a page that needs the practice's date does not ask again.
        today: row.today,
        requestId: origin.requestId,
        ip: origin.ip,
      },
      times: { idleExpiresAt: new Date(row.touched_at.getTime() + this.idleMs + TOUCH_GRACE_SECONDS * 1000), absoluteExpiresAt: row.expires_at },
    };
  }

  /** Ends the session the cookie's `token` names; returns whose it was, if it was open. (The cookie itself: SESSION_COOKIE_ENDED.) */
  async revokeByToken(token: string | undefined, runner: SqlRunner = this.db): Promise<{ practiceId: string; userId: string } | null> {
    if (!token || !TOKEN_PATTERN.test(token)) return null;
    const ended = await kyselyOn(runner)
      .updateTable('staff_session')
      .set({ revoked_at: sql`now()` })
      .where('token_hash', '=', hashToken(token))
      .where('revoked_at', 'is', null)
      .returning(['practice_id', 'staff_user_id'])
      .executeTakeFirst();
    return ended ? { practiceId: ended.practice_id, userId: ended.staff_user_id } : null;
  }

  /** Ends every open session of a user at once (deactivation, password change). */
  async revokeAllForUser(practiceId: string, userId: string, runner: SqlRunner = this.db) {
    await kyselyOn(runner)
      .updateTable('staff_session')
      .set({ revoked_at: sql`now()` })
      .where('practice_id', '=', practiceId)
      .where('staff_user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}
