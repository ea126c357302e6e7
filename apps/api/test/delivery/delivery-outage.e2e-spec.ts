import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import supertest from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/common/logger.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres.js';
import { ensureDatabase } from '../../src/database/ensure-database.js';
import { newClient, newClinician, newPractice, type TestClient } from '../support/factories.js';
import { MailSink, until } from '../support/mail-sink.js';

/** This file runs its own PostgreSQL server, so that it can stop and start it under the mail worker. */
describe('email through a database outage', () => {
  const sink = new MailSink();
  let dir: string;
  let server: EmbeddedDatabase;
  let app: NestFastifyApplication;
  const logs: string[] = [];
  const logger = createLogger('info', new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) }));

  beforeAll(async () => {
    await sink.start();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-mail-outage-'));
    server = await startEmbeddedPostgres(dir, logger);
    await ensureDatabase(server.adminUrl, 'tandem');
    const config = loadConfig({
      LOG_LEVEL: 'info',
      TANDEM_SEED_DEMO: 'false',
      TANDEM_DATA_DIR: dir,
      TANDEM_DB_POOL_SIZE: '5',
      TANDEM_SMTP_URL: sink.url,
      TANDEM_MAIL_FROM: 'tandem@test.example',
      TANDEM_MAIL_RETRY_SECONDS: '1',
    });
    app = await createApp(config, server.urlFor('tandem'), logger);
  });
  afterAll(async () => {
    await app?.close();
    await server?.stop();
    await sink.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('every message queued before the outage arrives exactly once after it; a request refused during it leaves nothing behind', async () => {
    const db = app.get<DataSource>(getDataSourceToken());
    const practice = await newPractice(db);
    const clinician = await newClinician(db, practice);
    const clients: TestClient[] = [];
    for (let i = 0; i < 6; i++) {
      const client = await newClient(db, practice, { name: `Outage Client ${i}`, clinicians: [clinician] });
      await db.query(`UPDATE client SET email = $2 WHERE id = $1`, [client.id, `outage.${i}.${crypto.randomBytes(3).toString('hex')}@test.example`]);
      clients.push(client);
    }
    const emails = (await db.query(`SELECT id, email FROM client WHERE practice_id = $1`, [practice.id])) as Array<{ id: string; email: string }>;
    const agent = supertest.agent(app.getHttpServer());
    expect((await agent.post('/api/auth/login').send({ email: clinician.email, password: clinician.password })).status).toBe(200);

    // Each message is held a moment by the mail server, so the database goes away while some are being sent.
    sink.acceptDelayMs = 700;
    for (const client of clients.slice(0, 5)) expect((await agent.post(`/api/clients/${client.id}/portal-link/send`)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 300));
    await server.stop();
    const refused = await agent.post(`/api/clients/${clients[5]!.id}/portal-link/send`);
    expect(refused.status).toBe(503);
    await new Promise((r) => setTimeout(r, 3000));
    server = await startEmbeddedPostgres(dir, logger, { port: server.port });

    const sentTo = (clientId: string) => sink.to(emails.find((e) => e.id === clientId)!.email).length;
    await until(async () => clients.slice(0, 5).every((c) => sentTo(c.id) >= 1), 60_000);
    await until(async () => {
      const rows = (await db.query(`SELECT status FROM delivery WHERE practice_id = $1`, [practice.id])) as Array<{ status: string }>;
      return rows.length === 5 && rows.every((r) => r.status === 'sent');
    }, 30_000);
    // Long enough for any retry to have happened.
    await new Promise((r) => setTimeout(r, 3000));
    for (const client of clients.slice(0, 5)) expect(sentTo(client.id)).toBe(1);
    expect(sentTo(clients[5]!.id)).toBe(0);
    const rows = (await db.query(`SELECT client_id FROM delivery WHERE practice_id = $1`, [practice.id])) as Array<{ client_id: string }>;
    expect(rows.map((r) => r.client_id).sort()).toEqual(clients.slice(0, 5).map((c) => c.id).sort());
    expect(logs.join('\n')).not.toMatch(/"status":500/);
  });
});
