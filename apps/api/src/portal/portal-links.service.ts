import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { IssuedPortalLink, PortalLinkStatus } from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { RuleViolationError } from '../common/app-error.js';
import { hashToken, newToken } from '../common/tokens.js';
import { modify, type SqlRunner } from '../common/sql.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/**
 * Portal links: one active link per client. Issuing a new one revokes the
 * old; the token is shown once and only its SHA-256 hash is kept. Anyone who
 * can see the client (their care team, a couple's clinician, an admin)
 * manages the link, since couples' homework needs each partner's.
 */
@Injectable()
export class PortalLinksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async status(actor: StaffActor, clientId: string): Promise<PortalLinkStatus> {
    await this.access.client(actor, clientId, 'read');
    const [row] = (await this.db.query(
      `SELECT l.created_at, l.expires_at, l.last_used_at, u.id AS by_id, u.name AS by_name
         FROM portal_link l JOIN staff_user u ON u.practice_id = l.practice_id AND u.id = l.created_by
        WHERE l.practice_id = $1 AND l.client_id = $2 AND l.revoked_at IS NULL AND l.expires_at > now()
        ORDER BY l.created_at DESC LIMIT 1`,
      [actor.practiceId, clientId],
    )) as Array<{ created_at: Date; expires_at: Date; last_used_at: Date | null; by_id: string; by_name: string }>;
    return {
      active: row
        ? {
            createdAt: row.created_at.toISOString(),
            expiresAt: row.expires_at.toISOString(),
            lastUsedAt: row.last_used_at?.toISOString() ?? null,
            createdBy: { id: row.by_id, name: row.by_name },
          }
        : null,
    };
  }

  async issue(actor: StaffActor, clientId: string, baseUrl: string): Promise<IssuedPortalLink> {
    await this.access.client(actor, clientId, 'read');
    const token = newToken();
    const expiresAt = new Date(Date.now() + this.config.portal.linkDays * 86_400_000);
    await this.writes.transaction(actor, async (tx, audit) => {
      const [client] = (await tx.query(`SELECT status, name FROM client WHERE practice_id = $1 AND id = $2 FOR UPDATE`, [actor.practiceId, clientId])) as Array<{
        status: string;
        name: string;
      }>;
      if (client!.status !== 'active') throw new RuleViolationError('client_discharged', `${client!.name} is discharged, so a portal link would not open. Reactivate the client first.`);
      for (const revoked of await this.revokeActive(tx, actor, clientId)) {
        await audit.record({ action: 'portal_link.revoked', recordType: 'portal_link', recordId: revoked, subjectId: clientId, detail: { reissued: true } });
      }
      const [link] = (await tx.query(
        `INSERT INTO portal_link (practice_id, client_id, token_hash, created_by, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [actor.practiceId, clientId, hashToken(token), actor.userId, expiresAt],
      )) as Array<{ id: string }>;
      await audit.record({ action: 'portal_link.issued', recordType: 'portal_link', recordId: link!.id, subjectId: clientId });
    });
    return { url: `${this.config.publicBaseUrl ?? baseUrl}/p/${token}`, expiresAt: expiresAt.toISOString() };
  }

  /** Ends the client's link and every portal session opened with it. */
  async revoke(actor: StaffActor, clientId: string): Promise<void> {
    await this.access.client(actor, clientId, 'read');
    await this.writes.transaction(actor, async (tx, audit) => {
      const revoked = await this.revokeActive(tx, actor, clientId);
      for (const id of revoked) {
        await audit.record({ action: 'portal_link.revoked', recordType: 'portal_link', recordId: id, subjectId: clientId });
      }
    });
  }

  private async revokeActive(tx: SqlRunner, actor: StaffActor, clientId: string): Promise<string[]> {
    const rows = await modify<{ id: string }>(
      tx,
      `UPDATE portal_link SET revoked_at = now(), revoked_by = $3
        WHERE practice_id = $1 AND client_id = $2 AND revoked_at IS NULL AND expires_at > now() RETURNING id`,
      [actor.practiceId, clientId, actor.userId],
    );
    const ids = rows.map((r) => r.id);
    if (ids.length > 0) {
      await tx.query(`UPDATE portal_session SET revoked_at = now() WHERE practice_id = $1 AND link_id = ANY($2::uuid[]) AND revoked_at IS NULL`, [
        actor.practiceId,
        ids,
      ]);
    }
    return ids;
  }
}
