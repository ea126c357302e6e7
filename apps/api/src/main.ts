import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { createLogger } from './common/logger.js';
import { resolveDatabase } from './database/resolve-database.js';
import { createApp } from './bootstrap.js';
import { formatSignIns, hasAnyPractice, seedDemo } from './demo/seed-demo.js';
import { FIELD_CIPHER } from './encryption/encryption.service.js';
import { startMailCatcher, type RunningCatcher } from './delivery/mail-catcher.js';

const SUPPORTED_NODE_MAJOR = 24;

// Tandem holds clinical records and runs only on a Node.js that still gets
// security fixes. `npm start` uses the Node 24 that npm installs with Tandem.
function refuseOldNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < SUPPORTED_NODE_MAJOR) {
    process.stderr.write(
      `Tandem needs Node.js ${SUPPORTED_NODE_MAJOR} or newer; this is ${process.version}. Start it with \`npm start\`, which runs the Node.js installed with Tandem.\n`,
    );
    process.exit(1);
  }
}

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main() {
  refuseOldNode();
  let config = readConfig();
  const logger = createLogger(config.logLevel);
  let catcher: RunningCatcher | undefined;
  if (!config.mail.smtpUrl && config.mail.catcher) {
    try {
      catcher = await startMailCatcher(config, logger);
      config = { ...config, mail: { ...config.mail, smtpUrl: catcher.smtpUrl } };
    } catch (error) {
      logger.warn({ code: (error as { code?: string }).code }, 'the mail catcher could not start; email waits in the queue');
    }
  }
  const started = Date.now();
  const database = await resolveDatabase(config, logger);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app?.close().catch((e: unknown) => logger.error({ err: e }, 'error while closing'));
    await database.stop().catch((e: unknown) => logger.error({ err: e }, 'error while stopping PostgreSQL'));
    await catcher?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  try {
    app = await createApp(config, database.url, logger);
  } catch (error) {
    await database.stop().catch(() => undefined);
    throw error;
  }
  const db = app.get<DataSource>(getDataSourceToken());
  const seed = database.embedded && config.seedDemo && !(await hasAnyPractice(db)) ? await seedDemo(db, app.get(FIELD_CIPHER)) : undefined;
  await app.listen({ port: config.port, host: config.host });
  // PORT=0 lets the system choose a free port: what is reported is the port actually bound.
  const port = boundPort(app.getHttpServer().address()) ?? config.port;
  const url = `http://localhost:${port}`;
  logger.info({ port, embedded: database.embedded, ms: Date.now() - started }, 'Tandem is ready');
  if (seed) process.stdout.write(formatSignIns(seed.signIns, url) + '\n');
  else process.stdout.write(`\n  Tandem is ready at ${url}\n\n`);
  if (catcher) process.stdout.write(`  Email Tandem sends is caught here (nothing leaves this machine): ${catcher.webUrl}\n\n`);
  else if (!config.mail.smtpUrl) process.stdout.write(`  No SMTP server configured (TANDEM_SMTP_URL): email waits in the queue.\n\n`);
}

function boundPort(address: string | AddressInfo | null): number | undefined {
  return address !== null && typeof address === 'object' ? address.port : undefined;
}

main().catch((error: unknown) => {
  process.stderr.write(`Tandem could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
