import path from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';

export interface RunningCatcher {
  webUrl: string;
  smtpUrl: string;
  stop(): Promise<void>;
}

/**
 * With no SMTP server configured, `npm start` runs MailDev on loopback so
 * every message the demo sends can be read in a browser. It listens on
 * 127.0.0.1 only: the messages hold working links.
 */
export async function startMailCatcher(config: AppConfig, logger: Logger): Promise<RunningCatcher> {
  const { MailDev } = await import('maildev');
  const maildev = new MailDev({
    smtp: config.mail.catcherSmtpPort,
    ip: '127.0.0.1',
    web: config.mail.catcherWebPort,
    webIp: '127.0.0.1',
    silent: true,
    mailDirectory: path.join(config.dataDir, 'mail'),
  });
  await maildev.start();
  logger.info({ webPort: config.mail.catcherWebPort, smtpPort: config.mail.catcherSmtpPort }, 'mail catcher started');
  return {
    webUrl: `http://localhost:${config.mail.catcherWebPort}`,
    smtpUrl: `smtp://127.0.0.1:${config.mail.catcherSmtpPort}`,
    stop: () => maildev.stop(),
  };
}
