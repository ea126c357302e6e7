import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
  messageId: string;
}

/** nodemailer over SMTP (TANDEM_SMTP_URL). */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private transporter?: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get configured(): boolean {
    return Boolean(this.config.mail.smtpUrl);
  }

  async send(mail: OutgoingMail): Promise<void> {
    this.transporter ??= nodemailer.createTransport({
      url: this.config.mail.smtpUrl!,
      // Never let nodemailer write messages (with their links) to a log.
      logger: false,
      debug: false,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    await this.transporter.sendMail({ from: this.config.mail.from, ...mail });
  }

  onModuleDestroy(): void {
    this.transporter?.close();
  }
}

/** A short, content-free reason a send failed: an SMTP reply code or a network error code. */
export function mailErrorCode(error: unknown): string {
  const e = error as { responseCode?: number; code?: string } | null;
  if (e?.responseCode) return `smtp_${e.responseCode}`;
  if (e?.code && /^[A-Z_0-9]{2,40}$/.test(e.code)) return e.code;
  return 'send_failed';
}
