import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string;
  subject: string;
  text: string;
  headers: Map<string, unknown>;
  raw: string;
}

/**
 * A real SMTP server inside the test process: Tandem sends to it over TCP,
 * the test reads what arrived. `stop()` and `start()` on the same port act
 * out a mail server outage; addresses in `refuse` get a permanent 550.
 */
export class MailSink {
  readonly received: CaughtMail[] = [];
  readonly refuse = new Set<string>();
  /** Holds each message this long before accepting it, to widen the window between sending and recording. */
  acceptDelayMs = 0;
  private server?: SMTPServer;
  port = 0;

  async start(port = this.port): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.refuse.has(address.address.toLowerCase())) {
          callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
          return;
        }
        callback();
      },
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((mail: ParsedMail) => {
              const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
              setTimeout(() => {
                this.received.push({ to: to?.value[0]?.address ?? '', subject: mail.subject ?? '', text: mail.text ?? '', headers: mail.headers, raw });
                callback();
              }, this.acceptDelayMs);
            })
            .catch(callback);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): CaughtMail[] {
    return this.received.filter((m) => m.to === address.toLowerCase());
  }

  /** Waits (polling, at most `ms`) until `count` messages have reached `address`. */
  async waitFor(address: string, count = 1, ms = 15_000): Promise<CaughtMail[]> {
    const until = Date.now() + ms;
    while (this.to(address).length < count) {
      if (Date.now() > until) throw new Error(`expected ${count} message(s) to ${address}, got ${this.to(address).length}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.to(address);
  }
}

/** The first link of a message's text that starts with `prefix` (an origin and path). */
export function linkIn(mail: CaughtMail, pattern: RegExp): string {
  const match = pattern.exec(mail.text);
  if (!match) throw new Error(`no link matching ${pattern} in "${mail.subject}"`);
  return match[1] ?? match[0];
}

export async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
