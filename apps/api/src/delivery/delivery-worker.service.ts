import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { isDatabaseUnavailable } from '../common/error-body.js';
import { hashToken, newToken } from '../common/tokens.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';
import type { FieldCipher } from '../encryption/field-cipher.js';
import { DeliveryQueue, type DeliveryJob } from './delivery-queue.service.js';
import { MailTransport, mailErrorCode } from './mail-transport.js';
import { composeMessage, firstNameOf } from './messages.js';
import { OPTIONAL_KINDS, type MessageKind, type RecipientKind } from './message-kinds.js';
import { secretAad } from './outbox.service.js';

interface DeliveryRow {
  id: string;
  practice_id: string;
  message_kind: MessageKind;
  recipient_kind: RecipientKind;
  recipient_id: string;
  status: string;
  attempts: number;
  params: Record<string, string | number>;
  secret_key_id: string | null;
  secret_enc: Buffer | null;
  practice_name: string;
}

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
    @InjectDataSource() private readonly db: DataSource,
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
      await this.persist(() => this.db.query(`UPDATE delivery SET last_error_code = $3, updated_at = now() WHERE practice_id = $1 AND id = $2`, [row.practice_id, row.id, code]));
      throw new Error(`delivery ${row.id} will be retried (${code})`);
    }
    await this.persist(() =>
      this.db.query(
        `UPDATE delivery SET status = 'sent', sent_at = now(), updated_at = now(), secret_key_id = NULL, secret_enc = NULL
          WHERE practice_id = $1 AND id = $2`,
        [row.practice_id, row.id],
      ),
    );
    this.log.log(`delivery ${row.id} (${row.message_kind}) sent`);
  }

  private async load(job: DeliveryJob): Promise<DeliveryRow | undefined> {
    const [row] = (await this.db.query(
      `SELECT d.id, d.practice_id, d.message_kind, d.recipient_kind, d.recipient_id, d.status, d.attempts, d.params,
              d.secret_key_id, d.secret_enc, p.name AS practice_name
         FROM delivery d JOIN practice p ON p.id = d.practice_id
        WHERE d.practice_id = $1 AND d.id = $2`,
      [job.practiceId, job.deliveryId],
    )) as DeliveryRow[];
    return row;
  }

  private async recipient(row: DeliveryRow): Promise<Recipient | undefined> {
    if (row.recipient_kind === 'staff') {
      const [s] = (await this.db.query(
        `SELECT email, name, active, NOT digest_enabled AS digest_off FROM staff_user WHERE practice_id = $1 AND id = $2`,
        [row.practice_id, row.recipient_id],
      )) as Array<{ email: string; name: string; active: boolean; digest_off: boolean }>;
      if (!s) return undefined;
      return { email: s.email, name: s.name, preferredName: null, active: s.active, optedOut: row.message_kind === 'clinician_digest' && s.digest_off };
    }
    const [c] = (await this.db.query(
      `SELECT email, name, preferred_name, status, email_opted_out_at IS NOT NULL AS opted_out FROM client WHERE practice_id = $1 AND id = $2`,
      [row.practice_id, row.recipient_id],
    )) as Array<{ email: string | null; name: string; preferred_name: string | null; status: string; opted_out: boolean }>;
    if (!c) return undefined;
    return { email: c.email, name: c.name, preferredName: c.preferred_name, active: c.status === 'active', optedOut: c.opted_out };
  }

  /** Counts this try before the message leaves; null when another worker already finished the delivery. */
  private async countAttempt(row: DeliveryRow, unsubscribeHash: Buffer | null): Promise<number | null> {
    const [updated] = (await this.db.query(
      `UPDATE delivery SET attempts = attempts + 1, updated_at = now(), unsubscribe_hash = COALESCE($3, unsubscribe_hash)
        WHERE practice_id = $1 AND id = $2 AND status = 'queued' RETURNING attempts`,
      [row.practice_id, row.id, unsubscribeHash],
    )) as [Array<{ attempts: number }>, number];
    return updated[0]?.attempts ?? null;
  }

  private async end(row: DeliveryRow, status: 'failed' | 'opted_out', code: string): Promise<void> {
    await this.persist(() =>
      this.db.query(
        `UPDATE delivery SET status = $3, last_error_code = $4, ended_at = now(), updated_at = now(), secret_key_id = NULL, secret_enc = NULL
          WHERE practice_id = $1 AND id = $2 AND status = 'queued'`,
        [row.practice_id, row.id, status, code],
      ),
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
