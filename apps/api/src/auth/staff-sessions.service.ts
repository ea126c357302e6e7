import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UAParser } from 'ua-parser-js';
import type { Page, StaffSessionInfo } from '@tandem/shared';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { NotFoundError } from '../common/app-error.js';
import { PageCursors, pageLimit } from '../common/cursor.js';
import type { PageQuery } from '../common/page-query.js';
import { modify } from '../common/sql.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

interface SessionRow {
  id: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  last_seen_at: Date;
}

/** "Firefox 130 on Windows", from a user agent; never the raw string, which can carry anything. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const { browser, os, device } = UAParser(userAgent);
  const name = browser.name ? `${browser.name}${browser.major ? ` ${browser.major}` : ''}` : null;
  const system = os.name ? `${os.name}${os.version && os.name !== 'Windows' ? ` ${os.version.split('.')[0]}` : os.version ? ` ${os.version}` : ''}` : device.model ?? null;
  if (name && system) return `${name} on ${system}`;
  return name ?? system ?? 'Unknown device';
}

/**
 * The sessions page: one's own open sessions (device, address, last active)
 * and ending any of them; for admins, a colleague's sessions and ending them
 * all. Sessions past their idle or absolute timeout are not listed: they
 * cannot be used any more.
 */
@Injectable()
export class StaffSessionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PageCursors) private readonly cursors: PageCursors,
  ) {}

  listOwn(actor: StaffActor, query: PageQuery): Promise<Page<StaffSessionInfo>> {
    return this.list(actor, actor.userId, query);
  }

  async listForColleague(actor: StaffActor, staffId: string, query: PageQuery): Promise<Page<StaffSessionInfo>> {
    await this.assertStaff(actor, staffId);
    return this.list(actor, staffId, query);
  }

  /** Ends one of one's own sessions (another person's reads as missing). */
  async endOwn(actor: StaffActor, sessionId: string): Promise<void> {
    await this.writes.transaction(actor, async (tx, audit) => {
      const ended = await modify(
        tx,
        `UPDATE staff_session SET revoked_at = now()
          WHERE practice_id = $1 AND staff_user_id = $2 AND id = $3 AND revoked_at IS NULL RETURNING id`,
        [actor.practiceId, actor.userId, sessionId],
      );
      if (ended.length === 0) throw new NotFoundError('session');
      await audit.record({ action: 'auth.session_ended', recordType: 'staff_session', recordId: sessionId, detail: { own: true, current: sessionId === actor.sessionId } });
    });
  }

  /** An admin signs a colleague out everywhere. */
  async endAllForColleague(actor: StaffActor, staffId: string): Promise<{ ended: number }> {
    await this.assertStaff(actor, staffId);
    return this.writes.transaction(actor, async (tx, audit) => {
      const ended = await modify(
        tx,
        `UPDATE staff_session SET revoked_at = now() WHERE practice_id = $1 AND staff_user_id = $2 AND revoked_at IS NULL RETURNING id`,
        [actor.practiceId, staffId],
      );
      await audit.record({ action: 'auth.sessions_ended', recordType: 'staff_user', recordId: staffId, detail: { count: ended.length } });
      return { ended: ended.length };
    });
  }

  private async list(actor: StaffActor, userId: string, query: PageQuery): Promise<Page<StaffSessionInfo>> {
    const limit = pageLimit(query.limit);
    const cursorScope = { list: 'staff-sessions', practiceId: actor.practiceId, within: actor.userId };
    const after = this.cursors.decode(query.cursor, cursorScope, ['text', 'uuid']);
    const params: unknown[] = [actor.practiceId, userId, this.config.session.idleMinutes, limit + 1];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = `AND (last_seen_at, id) < ($5::timestamptz, $6::uuid)`;
    }
    const rows = (await this.db.query(
      `SELECT id, host(ip) AS ip, user_agent, created_at, last_seen_at FROM staff_session
        WHERE practice_id = $1 AND staff_user_id = $2 AND revoked_at IS NULL
          AND expires_at > now() AND last_seen_at > now() - make_interval(mins => $3) ${keyset}
        ORDER BY last_seen_at DESC, id DESC LIMIT $4`,
      params,
    )) as SessionRow[];
    const items = rows.slice(0, limit).map((row) => ({
      id: row.id,
      device: describeDevice(row.user_agent),
      ip: row.ip,
      createdAt: row.created_at.toISOString(),
      lastActiveAt: row.last_seen_at.toISOString(),
      current: row.id === actor.sessionId,
    }));
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items, nextCursor: last ? this.cursors.encode(cursorScope, [last.last_seen_at.toISOString(), last.id]) : null };
  }

  private async assertStaff(actor: StaffActor, staffId: string) {
    const rows = (await this.db.query(`SELECT 1 FROM staff_user WHERE practice_id = $1 AND id = $2`, [actor.practiceId, staffId])) as unknown[];
    if (rows.length === 0) throw new NotFoundError('staff member');
  }
}
