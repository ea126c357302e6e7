import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { sql } from 'kysely';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { isDatabaseUnavailable } from '../common/error-body.js';
import { hashToken, newToken } from '../common/tokens.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';
import type { FieldCipher } from '../encryption/field-cipher.js';
import { DeliveryQueue, type DeliveryJob } from './delivery-queue.service.js';
import { MailTransport, mailErrorCode } from './mail-transport.js';
import { composeMessage, firstNameOf } from './messages.js';
import { OPTIONAL_KINDS, type MessageKind, type RecipientKind } from './message-kinds.js';
import { secretAad } from './outbox.service.js';

type DeliveryRow = NonNullable<Awaited<ReturnType<DeliveryWorker['load']>>>;

interface Recipient {
  email: string | null;
  name: string;
  preferredName: string | null;
  optedOut: boolean;
  active: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends queued deliveries. Each try is counted on the row before the message
 * goes out; a refused or unreachable server leaves an error code and hands
 * the job back to the queue to retry later; the last try marks it failed.
 * After the server accepted a message, recording that is retried through a
 * database outage, so a message is not sent again because Tandem could not
 * write down that it was sent.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap {
  private readonly log = new Logger('delivery');

  constructor(
    @InjectKysely() private readonly kdb: Db,
    @Inject(DeliveryQueue) private readonly queue: DeliveryQueue,
    @Inject(MailTransport) private readonly transport: MailTransport,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.transport.configured) await this.queue.work((job) => this.deliver(job));
  }

  async deliver(job: DeliveryJob): Promise<void> {
    const row = await this.persist(() => this.load(job));
    if (!row || row.status !== 'queued') return;
    const to = await this.persist(() => this.recipient(row));
    if (!to || !to.active) return this.end(row, 'failed', 'recipient_gone');
    if (to.optedOut && OPTIONAL_KINDS.has(row.message_kind)) return this.end(row, 'opted_out', 'opted_out');
    if (!to.email) return this.end(row, 'failed', 'no_address');

    let secret: string | undefined;
    if (row.secret_enc && row.secret_key_id) {
      try {
        secret = this.cipher.decrypt(row.secret_enc, row.secret_key_id, secretAad(row.practice_id, row.id));
      } catch {
        return this.end(row, 'failed', 'secret_unreadable');
      }
    }
    const base = String(row.params.baseUrl ?? this.config.publicBaseUrl ?? `http://localhost:${this.config.port}`);
    const link = linkFor(row.message_kind, base, secret);
    if (!link) return this.end(row, 'failed', 'link_missing');
    const composed = composeMessage({
      kind: row.message_kind,
      practiceName: row.practice_name,
      firstName: firstNameOf(to.name, to.preferredName),
      link,
      validFor: row.message_kind === 'staff_invite' ? `${this.config.inviteHours} hours` : `${this.config.mail.resetMinutes} minutes`,
      counts: { submissions: Number(row.params.submissions ?? 0), overdue: Number(row.params.overdue ?? 0) },
    });

    const headers: Record<string, string> = {};
    let unsubscribeHash: Buffer | null = null;
    if (OPTIONAL_KINDS.has(row.message_kind)) {
      const unsubscribe = newToken();
      unsubscribeHash = hashToken(unsubscribe);
      headers['List-Unsubscribe'] = `<${base}/api/unsubscribe/${unsubscribe}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      composed.text += `\nTo stop these emails: ${base}/unsubscribe#${unsubscribe}\n`;
    }
    const attempts = await this.persist(() => this.countAttempt(row, unsubscribeHash));
    if (attempts === null) return;
    try {
      await this.transport.send({
        to: to.email,
        subject: composed.subject,
        text: composed.text,
        headers,
        messageId: `<${row.id}@tandem>`,
      });
    } catch (error) {
      const code = mailErrorCode(error);
      this.log.warn(`delivery ${row.id} (${row.message_kind}) try ${attempts} failed: ${code}`);
      // A permanent refusal (5xx: no such mailbox) will not change on a retry.
      if (attempts >= this.config.mail.maxAttempts || code.startsWith('smtp_5')) return this.end(row, 'failed', code);
      await this.persist(() =>
        this.kdb.updateTable('delivery').set({ last_error_code: code, updated_at: sql`now()` }).where('practice_id', '=', row.practice_id).where('id', '=', row.id).execute(),
      );
      throw new Error(`delivery ${row.id} will be retried (${code})`);
    }
    await this.persist(() =>
      this.kdb
        .updateTable('delivery')
        .set({ status: sql.lit('sent'), sent_at: sql`now()`, updated_at: sql`now()`, secret_key_id: null, secret_enc: null })
        .where('practice_id', '=', row.practice_id)
        .where('id', '=', row.id)
        .execute(),
    );
    this.log.log(`delivery ${row.id} (${row.message_kind}) sent`);
  }

  private load(job: DeliveryJob) {
    return this.kdb
      .selectFrom('delivery as d')
      .innerJoin('practice as p', 'p.id', 'd.practice_id')
      .select((eb) => [
        'd.id',
        'd.practice_id',
        eb.ref('d.message_kind').$castTo<MessageKind>().as('message_kind'),
        eb.ref('d.recipient_kind').$castTo<RecipientKind>().as('recipient_kind'),
        'd.recipient_id',
        'd.status',
        'd.attempts',
        eb.ref('d.params').$castTo<Record<string, string | number>>().as('params'),
        'd.secret_key_id',
        'd.secret_enc',
        'p.name as practice_name',
      ])
      .where('d.practice_id', '=', job.practiceId)
      .where('d.id', '=', job.deliveryId)
      .executeTakeFirst();
  }

  private async recipient(row: DeliveryRow): Promise<Recipient | undefined> {
    if (row.recipient_kind === 'staff') {
      const s = await this.kdb
        .selectFrom('staff_user')
        .select(['email', 'name', 'active', sql<boolean>`NOT digest_enabled`.as('digest_off')])
        .where('practice_id', '=', row.practice_id)
        .where('id', '=', row.recipient_id)
        .executeTakeFirst();
      if (!s) return undefined;
      return { email: s.email, name: s.name, preferredName: null, active: s.active, optedOut: row.message_kind === 'clinician_digest' && s.digest_off };
    }
    const c = await this.kdb
      .selectFrom('client')
      .select(['email', 'name', 'preferred_name', 'status', sql<boolean>`email_opted_out_at IS NOT NULL`.as('opted_out')])
      .where('practice_id', '=', row.practice_id)
      .where('id', '=', row.recipient_id)
      .executeTakeFirst();
    if (!c) return undefined;
    return { email: c.email, name: c.name, preferredName: c.preferred_name, active: c.status === 'active', optedOut: c.opted_out };
  }

  /** Counts this try before the message leaves; null when another worker already finished the delivery. */
  private async countAttempt(row: DeliveryRow, unsubscribeHash: Buffer | null): Promise<number | null> {
    const updated = await this.kdb
      .updateTable('delivery')
      .set({ attempts: sql`attempts + 1`, updated_at: sql`now()`, unsubscribe_hash: sql`COALESCE(${unsubscribeHash}, unsubscribe_hash)` })
      .where('practice_id', '=', row.practice_id)
      .where('id', '=', row.id)
      .where('status', '=', sql.lit('queued'))
      .returning('attempts')
      .executeTakeFirst();
    return updated?.attempts ?? null;
  }

  private async end(row: DeliveryRow, status: 'failed' | 'opted_out', code: string): Promise<void> {
    await this.persist(() =>
      this.kdb
        .updateTable('delivery')
        .set({ status, last_error_code: code, ended_at: sql`now()`, updated_at: sql`now()`, secret_key_id: null, secret_enc: null })
        .where('practice_id', '=', row.practice_id)
        .where('id', '=', row.id)
        .where('status', '=', sql.lit('queued'))
        .execute(),
    );
    this.log.warn(`delivery ${row.id} (${row.message_kind}) ${status}: ${code}`);
  }

  /** Runs a statement, waiting out a database outage (up to about ten minutes) instead of failing the job. */
  private async persist<T>(work: () => Promise<T>): Promise<T> {
    const giveUpAt = Date.now() + 10 * 60_000;
    for (let wait = 250; ; wait = Math.min(wait * 2, 15_000)) {
      try {
        return await work();
      } catch (error) {
        if (!isDatabaseUnavailable(error) || Date.now() > giveUpAt) throw error;
        await sleep(wait);
      }
    }
  }
}

function linkFor(kind: MessageKind, base: string, secret: string | undefined): string | null {
  switch (kind) {
    case 'staff_invite':
      return secret ? `${base}/set-password#token=${secret}` : null;
    case 'password_reset':
      return secret ? `${base}/reset-password#token=${secret}` : null;
    case 'portal_link':
    case 'homework_assigned':
    case 'homework_due':
    case 'homework_overdue':
      return secret ? `${base}/p/${secret}` : null;
    case 'clinician_digest':
    case 'safety_alert':
      return `${base}/`;
  }
}
