import { Inject, Injectable } from '@nestjs/common';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { SentLinks } from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites, type AuditRecorder } from '../audit/audited-writes.service.js';
import { RuleViolationError } from '../common/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { kyselyOn } from '../db/kysely.js';
import { Outbox } from './outbox.service.js';
import { issuePortalLinkForEmail } from './portal-link-sender.js';

type ClientRow = Awaited<ReturnType<SendLinkService['lockClients']>>[number];

/**
 * "Send link": emails clients their own new portal link. The staff member
 * never sees the link; each partner of a couple gets their own message,
 * even when partners share one address.
 */
@Injectable()
export class SendLinkService {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sendToClient(actor: StaffActor, clientId: string, baseUrl: string): Promise<SentLinks> {
    await this.access.client(actor, clientId, 'details.read');
    return this.writes.transaction(actor, async (tx, audit) => {
      const clients = await this.lockClients(tx, actor.practiceId, sql<boolean>`c.id = ${clientId}`);
      this.assertSendable(clients);
      return { queued: [await this.send(tx, audit, actor, clients[0]!, baseUrl, {})] };
    });
  }

  async sendToCouple(actor: StaffActor, coupleId: string, baseUrl: string): Promise<SentLinks> {
    await this.access.couple(actor, coupleId, 'details.read');
    return this.writes.transaction(actor, async (tx, audit) => {
      const clients = await this.lockClients(
        tx,
        actor.practiceId,
        sql<boolean>`c.id IN (SELECT m.client_id FROM couple_member m WHERE m.practice_id = ${actor.practiceId} AND m.couple_id = ${coupleId} AND m.left_at IS NULL)`,
      );
      if (clients.length === 0) throw new RuleViolationError('no_members', 'This couple has no current members to send links to.');
      this.assertSendable(clients);
      const queued = [];
      for (const client of clients) queued.push(await this.send(tx, audit, actor, client, baseUrl, { coupleId }));
      return { queued };
    });
  }

  private lockClients(tx: EntityManager, practiceId: string, which: Expression<SqlBool>) {
    return kyselyOn(tx)
      .selectFrom('client as c')
      .select(['c.id', 'c.name', 'c.status', sql<boolean>`c.email IS NOT NULL`.as('has_email'), sql<boolean>`c.email_opted_out_at IS NOT NULL`.as('opted_out')])
      .where('c.practice_id', '=', practiceId)
      .where(which)
      .orderBy('c.name')
      .orderBy('c.id')
      .forUpdate()
      .execute();
  }

  /** Every recipient must be reachable, or nothing is sent: a clinician fixes the record first. */
  private assertSendable(clients: ClientRow[]) {
    for (const c of clients) {
      if (c.status !== 'active') throw new RuleViolationError('client_discharged', `${c.name} is discharged, so a portal link would not open. Reactivate the client first.`);
      if (!c.has_email) throw new RuleViolationError('no_email', `${c.name} has no email address. Add one on their record first.`);
      if (c.opted_out) throw new RuleViolationError('opted_out', `${c.name} asked not to receive email from the practice, so Tandem will not send one.`);
    }
  }

  private async send(tx: EntityManager, audit: AuditRecorder, actor: StaffActor, client: ClientRow, baseUrl: string, about: { coupleId?: string }) {
    const { token, linkId } = await issuePortalLinkForEmail(tx, audit, {
      practiceId: actor.practiceId,
      clientId: client.id,
      createdBy: actor.userId,
      expiresAt: new Date(Date.now() + this.config.portal.linkDays * 86_400_000),
      endSessions: true,
      reason: 'send_link',
    });
    await this.outbox.enqueue(tx, {
      practiceId: actor.practiceId,
      kind: 'portal_link',
      to: { kind: 'client', id: client.id },
      dedupeKey: `portal_link:${linkId}`,
      clientId: client.id,
      coupleId: about.coupleId,
      params: { baseUrl: this.config.publicBaseUrl ?? baseUrl },
      secret: token,
      requestedBy: actor.userId,
    });
    await audit.record({ action: 'portal_link.sent', recordType: 'portal_link', recordId: linkId, subjectId: about.coupleId ?? client.id, detail: { clientId: client.id } });
    return { clientId: client.id, name: client.name };
  }
}
