import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import type { PortalActor, RequestOrigin } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { GuessingLimits } from '../auth/guessing-limits.js';
import type { CookieChange, WithCookies } from '../common/cookies.js';
import { hashToken, newToken, TOKEN_PATTERN } from '../common/tokens.js';
import { modify } from '../common/sql.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { compiledOnce, type Slots } from '../db/compiled-once.js';

export const PORTAL_COOKIE = 'tandem_portal';
const COOKIE_PATH = '/api/portal';
/** The same session also rides to the portal's pages, so `/portal` can draw the client's first screen (never to staff routes). */
const PAGE_COOKIE_PATH = '/portal';
/** Ends the portal cookie in the browser, on both paths it rides. */
export const PORTAL_COOKIES_ENDED: CookieChange[] = [COOKIE_PATH, PAGE_COOKIE_PATH].map((path) => ({ name: PORTAL_COOKIE, path, clear: true }));

/** A link exchanged: the session's client (for the page drawn in the same answer), or why not. */
export type ExchangeResult = { ok: true; actor: PortalActor } | { ok: false; reason: 'invalid' };

/** The open portal session a token names, with its client and the practice's date: compiled once, run on every portal request. */
const findSession = compiledOnce((db, p: Slots<{ tokenHash: Buffer }>) =>
  db
    .selectFrom('portal_session as s')
    .innerJoin('portal_link as l', (j) => j.onRef('l.practice_id', '=', 's.practice_id').onRef('l.id', '=', 's.link_id'))
    .innerJoin('client as c', (j) => j.onRef('c.practice_id', '=', 's.practice_id').onRef('c.id', '=', 's.client_id'))
    .innerJoin('practice as pr', 'pr.id', 's.practice_id')
    .select(['s.id', 's.practice_id', 's.client_id', sql<string>`to_char((now() AT TIME ZONE pr.timezone)::date, 'YYYY-MM-DD')`.as('today')])
    .where('s.token_hash', '=', p.tokenHash)
    .where('s.revoked_at', 'is', null)
    .where(sql<boolean>`s.expires_at > now()`)
    .where('l.revoked_at', 'is', null)
    .where(sql<boolean>`l.expires_at > now()`)
    .where(sql<boolean>`c.status = 'active'`),
);

/**
 * Portal sessions: a client's link is exchanged for one, behind an HttpOnly
 * cookie scoped to the portal API. A session lives no longer than its link,
 * and ends with it (revocation, expiry, discharge).
 */
@Injectable()
export class PortalSessionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(GuessingLimits) private readonly limits: GuessingLimits,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  /**
   * Exchanges a link token for a portal session cookie. Each look-up spends
   * from the caller's address's budget (429 past it, before the database is
   * asked); unknown links count against the address, and past their limit
   * answer 429, while a link that exists still opens (PortalLinkLookups).
   */
  async exchange(token: string, origin: RequestOrigin): Promise<WithCookies<ExchangeResult>> {
    const throttleKey = `portal:${origin.ip}`;
    await this.limits.portalLinks.spend(throttleKey);
    const link = TOKEN_PATTERN.test(token)
      ? await this.kdb
          .selectFrom('portal_link as l')
          .innerJoin('client as c', (j) => j.onRef('c.practice_id', '=', 'l.practice_id').onRef('c.id', '=', 'l.client_id'))
          .select(['l.practice_id', 'l.id', 'l.client_id', 'l.expires_at'])
          .where('l.token_hash', '=', hashToken(token))
          .where('l.revoked_at', 'is', null)
          .where(sql<boolean>`l.expires_at > now()`)
          .where(sql<boolean>`c.status = 'active'`)
          .executeTakeFirst()
      : undefined;
    if (!link) {
      await this.limits.portalLinks.fail(throttleKey);
      return { body: { ok: false, reason: 'invalid' }, cookies: PORTAL_COOKIES_ENDED };
    }
    const sessionToken = newToken();
    const expiresAt = new Date(Math.min(link.expires_at.getTime(), Date.now() + this.config.portal.sessionHours * 3_600_000));
    const actor = await this.writes.transaction({ kind: 'system', practiceId: link.practice_id }, async (_tx, audit, db) => {
      const session = await db
        .insertInto('portal_session')
        .values({ practice_id: link.practice_id, client_id: link.client_id, link_id: link.id, token_hash: hashToken(sessionToken), expires_at: expiresAt })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .updateTable('portal_link')
        .set({ last_used_at: sql`now()` })
        .where('practice_id', '=', link.practice_id)
        .where('id', '=', link.id)
        .execute();
      const opened: PortalActor = { kind: 'portal', clientId: link.client_id, practiceId: link.practice_id, sessionId: session.id, requestId: origin.requestId, ip: origin.ip };
      await audit.record({ action: 'portal_link.used', recordType: 'portal_link', recordId: link.id, subjectId: link.client_id }, opened);
      return opened;
    });
    return { body: { ok: true, actor }, cookies: [COOKIE_PATH, PAGE_COOKIE_PATH].map((path) => ({ name: PORTAL_COOKIE, path, value: sessionToken, expires: expiresAt })) };
  }

  /** The client of the portal session the cookie's `token` names, or null. */
  async authenticate(token: string | undefined, origin: RequestOrigin): Promise<PortalActor | null> {
    if (!token || !TOKEN_PATTERN.test(token)) return null;
    const row = await findSession.first(this.kdb, { tokenHash: hashToken(token) });
    if (!row) return null;
    // The practice's date is read with the session, so the page does not ask again.
    return { kind: 'portal', clientId: row.client_id, practiceId: row.practice_id, sessionId: row.id, today: row.today, requestId: origin.requestId, ip: origin.ip };
  }

  /** Ends the portal session the cookie's `token` names; the cookie ends whatever it named. */
  async signOut(token: string | undefined): Promise<WithCookies<void>> {
    if (token && TOKEN_PATTERN.test(token)) {
      await modify(this.db, `UPDATE portal_session SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING id`, [hashToken(token)]);
    }
    return { body: undefined, cookies: PORTAL_COOKIES_ENDED };
  }
}
