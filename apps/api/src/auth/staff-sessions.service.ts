import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { UAParser } from 'ua-parser-js';
import type { Page, StaffSessionInfo } from '@tandem/shared';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { NotFoundError } from '../common/app-error.js';
import { PageCursors } from '../common/cursor.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { Keyset } from '../db/keyset.js';
import type { PageQuery } from '../common/page-query.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

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
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @InjectKysely() private readonly kdb: Db,
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
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      const ended = await db
        .updateTable('staff_session')
        .set({ revoked_at: sql`now()` })
        .where('practice_id', '=', actor.practiceId)
        .where('staff_user_id', '=', actor.userId)
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      if (ended.length === 0) throw new NotFoundError('session');
      await audit.record({ action: 'auth.session_ended', recordType: 'staff_session', recordId: sessionId, detail: { own: true, current: sessionId === actor.sessionId } });
    });
  }

  /** An admin signs a colleague out everywhere. */
  async endAllForColleague(actor: StaffActor, staffId: string): Promise<{ ended: number }> {
    await this.assertStaff(actor, staffId);
    return this.writes.transaction(actor, async (_tx, audit, db) => {
      const ended = await db
        .updateTable('staff_session')
        .set({ revoked_at: sql`now()` })
        .where('practice_id', '=', actor.practiceId)
        .where('staff_user_id', '=', staffId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      await audit.record({ action: 'auth.sessions_ended', recordType: 'staff_user', recordId: staffId, detail: { count: ended.length } });
      return { ended: ended.length };
    });
  }

  private async list(actor: StaffActor, userId: string, query: PageQuery): Promise<Page<StaffSessionInfo>> {
    const keyset = new Keyset<{ last_seen_at: Date; id: string }>(
      this.cursors,
      {
        scope: { list: 'staff-sessions', practiceId: actor.practiceId, within: actor.userId },
        direction: 'desc',
        keys: [
          { by: 'last_seen_at', part: 'text', cast: 'timestamptz', of: (r) => r.last_seen_at.toISOString() },
          { by: 'id', part: 'uuid', of: (r) => r.id },
        ],
      },
      query,
    );
    const { rows, nextCursor } = await keyset.read(
      this.kdb
        .selectFrom('staff_session')
        .select(['id', sql<string | null>`host(ip)`.as('ip'), 'user_agent', 'created_at', 'last_seen_at'])
        .where('practice_id', '=', actor.practiceId)
        .where('staff_user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where(sql<boolean>`expires_at > now() AND last_seen_at > now() - make_interval(mins => ${this.config.session.idleMinutes})`),
    );
    const items = rows.map((row) => ({
      id: row.id,
      device: describeDevice(row.user_agent),
      ip: row.ip,
      createdAt: row.created_at.toISOString(),
      lastActiveAt: row.last_seen_at.toISOString(),
      current: row.id === actor.sessionId,
    }));
    return { items, nextCursor };
  }

  private async assertStaff(actor: StaffActor, staffId: string) {
    const found = await this.kdb.selectFrom('staff_user').select(sql.lit(1).as('one')).where('practice_id', '=', actor.practiceId).where('id', '=', staffId).executeTakeFirst();
    if (!found) throw new NotFoundError('staff member');
  }
}
