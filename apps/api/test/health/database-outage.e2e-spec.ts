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
import { newAdmin, newPractice } from '../support/factories.js';

/** This file runs its own PostgreSQL server, so that it can stop and start it. */
describe('when the database goes away', () => {
  let dir: string;
  let server: EmbeddedDatabase;
  let app: NestFastifyApplication;
  const logs: string[] = [];
  const quietLogger = createLogger('info', new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) }));

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-outage-'));
    server = await startEmbeddedPostgres(dir, quietLogger);
    await ensureDatabase(server.adminUrl, 'tandem');
    const config = loadConfig({ LOG_LEVEL: 'info', TANDEM_SEED_DEMO: 'false', TANDEM_DATA_DIR: dir });
    app = await createApp(config, server.urlFor('tandem'), quietLogger);
  });
  afterAll(async () => {
    await app?.close();
    await server?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while it is down, and recovers by itself', async () => {
    const db = app.get<DataSource>(getDataSourceToken());
    const practice = await newPractice(db);
    const admin = await newAdmin(db, practice);
    const agent = supertest.agent(app.getHttpServer());
    expect((await agent.post('/api/auth/login').send({ email: admin.email, password: admin.password })).status).toBe(200);
    expect((await agent.get('/api/health')).body).toEqual({ status: 'ok', database: 'up' });

    await server.stop();
    const started = Date.now();
    const health = await agent.get('/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'unavailable', database: 'down' });
    for (const call of [agent.get('/api/auth/me'), agent.get('/api/staff'), agent.post('/api/auth/login').send({ email: admin.email, password: admin.password })]) {
      const res = await call;
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.code).toBe('unavailable');
      expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|at .*\.js|stack/);
    }
    expect(Date.now() - started).toBeLessThan(10_000);

    server = await startEmbeddedPostgres(dir, quietLogger, { port: server.port });
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      recovered = (await agent.get('/api/health')).status === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 200));
    }
    expect(recovered).toBe(true);
    expect((await agent.get('/api/auth/me')).status).toBe(200);
    expect(logs.join('\n')).not.toMatch(/"status":500/);
  });
});
