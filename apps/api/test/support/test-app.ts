import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import supertest from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/common/logger.js';
import { withDatabase } from '../../src/database/ensure-database.js';

/** One data key per test process: notes and answers are always encrypted, in tests too. */
const TEST_DATA_KEY = crypto.randomBytes(32).toString('base64');

export interface LogLine {
  level: number;
  msg: string;
  status?: number;
  route?: string;
  [key: string]: unknown;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  db: DataSource;
  databaseUrl: string;
  /** Every log line the app wrote, raw, as written. */
  rawLogs: string[];
  logs(): LogLine[];
  request(): supertest.Agent;
  /** Listens on a loopback port (for browser tests) and returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}


/** A fresh copy of the migrated template database for one test file. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TANDEM_TEST_ADMIN_URL;
  const template = process.env.TANDEM_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('The jest global setup did not run (TANDEM_TEST_ADMIN_URL unset).');
  const name = `${template.replace('tandem_template_', 'tandem_t_')}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * Boots the real AppModule on its own database. Fails the file on close when
 * any request was answered with a 500: a 500 in a test run is a defect.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    LOG_LEVEL: 'info',
    TANDEM_DATA_DIR: path.join(os.tmpdir(), 'tandem-test-data'),
    TANDEM_SEED_DEMO: 'false',
    TANDEM_DB_POOL_SIZE: '5',
    TANDEM_DATA_KEY: TEST_DATA_KEY,
    // Every request of a test comes from one address; the portal look-up budget has tests of its own.
    TANDEM_PORTAL_LOOKUPS_PER_MINUTE: '100000',
    ...env,
  });
  const rawLogs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      rawLogs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const app = await createApp(config, database.url, logger);
  const db = app.get<DataSource>(getDataSourceToken());
  const logs = () => rawLogs.map((line) => JSON.parse(line) as LogLine);
  let baseUrl: string | undefined;
  return {
    app,
    config,
    db,
    databaseUrl: database.url,
    rawLogs,
    logs,
    request: () => supertest.agent(app.getHttpServer()),
    async listen() {
      if (!baseUrl) {
        await app.listen({ port: 0, host: '127.0.0.1' });
        const address = app.getHttpServer().address() as { port: number };
        baseUrl = `http://127.0.0.1:${address.port}`;
      }
      return baseUrl;
    },
    async close() {
      await app.close();
      await database.drop();
      const failures = logs().filter((l) => (l.status ?? 0) >= 500 && l.status !== 503);
      if (failures.length > 0) {
        throw new Error(`Requests answered with a server error:\n${failures.map((f) => JSON.stringify(f)).join('\n')}`);
      }
    },
  };
}
