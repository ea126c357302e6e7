import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { IssuedPortalLink, PortalLinkStatus } from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites, type AuditRecorder } from '../audit/audited-writes.service.js';
import { ConflictError, RuleViolationError } from '../common/app-error.js';
import { hashToken, newToken } from '../common/tokens.js';
import { modify, type SqlRunner } from '../common/sql.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import type { IssuePortalLinkDto } from './dto/portal.dto.js';

/**
 * Ends a client's working portal links and every portal session opened with
 * them, with an audit event per link, inside the caller's transaction. Used by
 * revocation, by replacement and by discharge; a revoked link never works again.
 */
export async function endPortalLinks(
  tx: SqlRunner,
  audit: AuditRecorder,
  actor: StaffActor,
  clientId: string,
  detail: Record<string, unknown> = {},
): Promise<string[]> {
  const rows = await modify<{ id: string }>(
    tx,
    `UPDATE portal_link SET revoked_at = now(), revoked_by = $3
      WHERE practice_id = $1 AND client_id = $2 AND revoked_at IS NULL AND expires_at > now() RETURNING id`,
    [actor.practiceId, clientId, actor.userId],
  );
  const ids = rows.map((r) => r.id);
  if (ids.length > 0) {
    await kyselyOn(tx)
      .updateTable('portal_session')
      .set({ revoked_at: sql`now()` })
      .where('practice_id', '=', actor.practiceId)
      .where('link_id', '=', sql<string>`ANY(${ids}::uuid[])`)
      .where('revoked_at', 'is', null)
      .execute();
  }
  for (const id of ids) {
    await audit.record({ action: 'portal_link.revoked', recordType: 'portal_link', recordId: id, subjectId: clientId, detail });
  }
  return ids;
}

/**
 * Portal links: one working link per client; the token is shown once and
 * only its SHA-256 hash is kept. A link opens everything the client reads in
 * the portal, so only staff who may read all of that in the dashboard may
 * issue it or copy it (the access rules, `portalLink.share`); anyone who sees the
 * client may see whether a link exists and revoke it. Replacing a working
 * link is a confirmed act, since the client may be using it.
 */
@Injectable()
export class PortalLinksService {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  async status(actor: StaffActor, clientId: string): Promise<PortalLinkStatus> {
    const access = await this.access.client(actor, clientId, 'portalLink.read');
    const row = await this.kdb
      .selectFrom('portal_link as l')
      .innerJoin('staff_user as u', (j) => j.onRef('u.practice_id', '=', 'l.practice_id').onRef('u.id', '=', 'l.created_by'))
      .select(['l.created_at', 'l.expires_at', 'l.last_used_at', 'u.id as by_id', 'u.name as by_name'])
      .where('l.practice_id', '=', actor.practiceId)
      .where('l.client_id', '=', clientId)
      .where('l.revoked_at', 'is', null)
      .where(sql<boolean>`l.expires_at > now()`)
      .orderBy('l.created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return {
      active: row
        ? {
            createdAt: row.created_at.toISOString(),
            expiresAt: row.expires_at.toISOString(),
            lastUsedAt: row.last_used_at?.toISOString() ?? null,
            createdBy: { id: row.by_id, name: row.by_name },
          }
        : null,
      canShare: access.may.portalLink.share,
    };
  }

  async issue(actor: StaffActor, clientId: string, baseUrl: string, dto: IssuePortalLinkDto): Promise<IssuedPortalLink> {
    const token = newToken();
    const expiresAt = new Date(Date.now() + this.config.portal.linkDays * 86_400_000);
    await this.writes.transaction(actor, async (tx, audit, db) => {
      await this.access.client(actor, clientId, 'portalLink.share', tx);
      const client = await db
        .selectFrom('client')
        .select(['status', 'name'])
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', clientId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (client.status !== 'active') throw new RuleViolationError('client_discharged', `${client.name} is discharged, so a portal link would not open. Reactivate the client first.`);
      const working = await db
        .selectFrom('portal_link')
        .select('id')
        .where('practice_id', '=', actor.practiceId)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .where(sql<boolean>`expires_at > now()`)
        .execute();
      if (working.length > 0 && dto.replace !== true) {
        throw new ConflictError(
          'link_active',
          `${client.name} already has a working portal link and may be using it. A new link stops the old one at once: confirm to replace it.`,
        );
      }
      const replaced = await endPortalLinks(tx, audit, actor, clientId, { replaced: true });
      const link = await db
        .insertInto('portal_link')
        .values({ practice_id: actor.practiceId, client_id: clientId, token_hash: hashToken(token), created_by: actor.userId, expires_at: expiresAt })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit.record({ action: 'portal_link.issued', recordType: 'portal_link', recordId: link.id, subjectId: clientId, detail: { replaced: replaced.length > 0 } });
    });
    return { url: `${this.config.publicBaseUrl ?? baseUrl}/p/${token}`, expiresAt: expiresAt.toISOString() };
  }

  /** The dashboard reports each copy of a link to the clipboard: who copied a working link is on record. */
  async copied(actor: StaffActor, clientId: string): Promise<void> {
    await this.writes.transaction(actor, async (tx, audit, db) => {
      await this.access.client(actor, clientId, 'portalLink.share', tx);
      const link = await db
        .selectFrom('portal_link')
        .select('id')
        .where('practice_id', '=', actor.practiceId)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .where(sql<boolean>`expires_at > now()`)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!link) throw new ConflictError('no_active_link', 'This link no longer works. Create a new one for the client.');
      await audit.record({ action: 'portal_link.copied', recordType: 'portal_link', recordId: link.id, subjectId: clientId });
    });
  }

  /** Ends the client's link and every portal session opened with it. Anyone who sees the client may: it only takes access away. */
  async revoke(actor: StaffActor, clientId: string): Promise<void> {
    await this.access.client(actor, clientId, 'portalLink.revoke');
    await this.writes.transaction(actor, (tx, audit) => endPortalLinks(tx, audit, actor, clientId));
  }
}
