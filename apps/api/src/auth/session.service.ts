import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import type { StaffRole } from '@tandem/shared';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { hashToken, newToken, TOKEN_PATTERN } from '../common/tokens.js';
import { UnauthenticatedError } from '../common/app-error.js';
import { modify, type SqlRunner } from '../common/sql.js';
import type { StaffActor } from '../access/actor.js';

export const SESSION_COOKIE = 'tandem_session';
/** Activity is recorded to the second: a request within a second of the last write does not write again. */
const TOUCH_GRACE_SECONDS = 1;

export interface SessionTimes {
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

interface SessionRow {
  id: string;
  practice_id: string;
  staff_user_id: string;
  roles: StaffRole[];
  expires_at: Date;
  /** Today in the practice's time zone (YYYY-MM-DD). */
  today: string;
  /** When the session was last seen (this request, to the second) if it was still open; null when it had timed out. */
  touched_at: Date | null;
}

@Injectable()
export class SessionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get idleMs() {
    return this.config.session.idleMinutes * 60_000;
  }

  /** Creates a session for a verified user and sets its cookie. */
  async open(user: { id: string; practiceId: string }, request: FastifyRequest, reply: FastifyReply, runner: SqlRunner = this.db): Promise<SessionTimes> {
    const token = newToken();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.session.absoluteHours * 3_600_000);
    // Address and user agent are kept for the sessions page ("Firefox on Windows, 203.0.113.7").
    const userAgent = request.headers['user-agent']?.slice(0, 512) ?? null;
    await runner.query(
      `INSERT INTO staff_session (practice_id, staff_user_id, token_hash, created_at, last_seen_at, expires_at, ip, user_agent)
       VALUES ($1, $2, $3, $4, $4, $5, $6, $7)`,
      [user.practiceId, user.id, hashToken(token), now, expiresAt, request.ip || null, userAgent],
    );
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/api',
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      expires: expiresAt,
    });
    return { idleExpiresAt: new Date(now.getTime() + this.idleMs), absoluteExpiresAt: expiresAt };
  }

  /**
   * The staff actor of this request, or null when there is no valid session.
   * Throws 401 `session_expired` when the cookie names a session that timed out.
   */
  async authenticateStaff(request: FastifyRequest, reply: FastifyReply): Promise<StaffActor | null> {
    const token = request.cookies?.[SESSION_COOKIE];
    if (!token || !TOKEN_PATTERN.test(token)) return null;
    // One statement finds the session and, when it is still open, records this request as its
    // latest activity, so every request moves the idle deadline to now + the setting. The write is
    // skipped when the last one is under a second old (a page's burst of parallel requests writes
    // once), and the deadline carries that second of grace: never early, at most a second late.
    // It commits without waiting for the disk (synchronous_commit off, for this statement's
    // transaction only): a crash could lose the last seconds of "last seen", nothing else.
    const rows: SessionRow[] = await this.db.query(
      `WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)),
       found AS (
         SELECT s.id, s.practice_id, s.staff_user_id, u.roles, s.expires_at, s.last_seen_at,
                s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2 + ${TOUCH_GRACE_SECONDS}) AS open,
                to_char((now() AT TIME ZONE p.timezone)::date, 'YYYY-MM-DD') AS today
           FROM staff_session s JOIN staff_user u ON u.id = s.staff_user_id
           JOIN practice p ON p.id = s.practice_id
          WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND u.active),
       touched AS (
         UPDATE staff_session t SET last_seen_at = now() FROM found
          WHERE t.id = found.id AND found.open AND t.last_seen_at < now() - make_interval(secs => ${TOUCH_GRACE_SECONDS})
         RETURNING t.last_seen_at)
       SELECT found.id, found.practice_id, found.staff_user_id, found.roles, found.expires_at, found.today,
              CASE WHEN found.open THEN COALESCE((SELECT last_seen_at FROM touched), found.last_seen_at) END AS touched_at
         FROM found, relaxed`,
      [hashToken(token), this.idleMs / 1000],
    );
    const row = rows[0];
    if (!row) {
      this.clearCookie(reply);
      return null;
    }
    if (!row.touched_at) {
      await this.db.query(`UPDATE staff_session SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [row.id]);
      this.clearCookie(reply);
      throw new UnauthenticatedError('Your session has ended. Please sign in again.', 'session_expired');
    }
    request.sessionTimes = {
      idleExpiresAt: new Date(row.touched_at.getTime() + this.idleMs + TOUCH_GRACE_SECONDS * 1000),
      absoluteExpiresAt: row.expires_at,
    };
    return {
      kind: 'staff',
      userId: row.staff_user_id,
      practiceId: row.practice_id,
      roles: row.roles,
      sessionId: row.id,
      // Read with the session, so a page that needs the practice's date does not ask again.
      today: row.today,
      requestId: request.id,
      ip: request.ip,
    };
  }

  /** Ends the session of this request's cookie; returns whose it was, if it was open. */
  async revokeByToken(request: FastifyRequest, reply: FastifyReply, runner: SqlRunner = this.db): Promise<{ practiceId: string; userId: string } | null> {
    const token = request.cookies?.[SESSION_COOKIE];
    this.clearCookie(reply);
    if (!token || !TOKEN_PATTERN.test(token)) return null;
    const [ended] = await modify<{ practice_id: string; staff_user_id: string }>(
      runner,
      `UPDATE staff_session SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING practice_id, staff_user_id`,
      [hashToken(token)],
    );
    return ended ? { practiceId: ended.practice_id, userId: ended.staff_user_id } : null;
  }

  /** Ends every open session of a user at once (deactivation, password change). */
  async revokeAllForUser(practiceId: string, userId: string, runner: SqlRunner = this.db) {
    await runner.query(
      `UPDATE staff_session SET revoked_at = now() WHERE practice_id = $1 AND staff_user_id = $2 AND revoked_at IS NULL`,
      [practiceId, userId],
    );
  }

  private clearCookie(reply: FastifyReply) {
    reply.clearCookie(SESSION_COOKIE, { path: '/api' });
  }
}
