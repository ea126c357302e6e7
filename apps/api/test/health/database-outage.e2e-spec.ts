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
import { CONNECT_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from '../../src/database/data-source-options.js';
import crypto from 'node:crypto';
import { newAdmin, newClient, newClinician, newHomework, newPortalLink, newPractice } from '../support/factories.js';
import { smallActsAnswers } from '../homework/homework-helpers.js';
import { findBuiltInExercise } from '@tandem/shared';

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
    // Liveness does not depend on the database: an orchestrator must not restart a process that is only waiting for it.
    expect((await agent.get('/api/health/live')).body).toEqual({ status: 'ok' });
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

  it('portal submissions under load survive an outage: every acknowledged one is stored exactly once, and retries never duplicate', async () => {
    const db = app.get<DataSource>(getDataSourceToken());
    const practice = await newPractice(db);
    const clinician = await newClinician(db, practice);
    const client = await newClient(db, practice, { clinicians: [clinician] });
    // `npm run resilience` runs this at a larger scale with a ten-second outage, and prints what it saw.
    const occurrences = Number(process.env.RESILIENCE_SUBMISSIONS ?? 40);
    const downFor = Number(process.env.RESILIENCE_OUTAGE_SECONDS ?? 5) * 1000;
    const exercise = findBuiltInExercise('small-acts-of-care')!;
    const assignment = {
      id: await newHomework(db, practice, client, clinician, {
        exerciseRef: 'builtin:small-acts-of-care',
        exercise,
        recurrence: 'daily',
        occurrences,
        dueInDays: (seq) => seq,
      }),
    };
    const portal = supertest.agent(app.getHttpServer());
    expect((await portal.get(`/p/${await newPortalLink(db, client, clinician)}`)).status).toBe(200);

    // Each occurrence is one client pressing Submit, retrying with the same submission id until the server says it is saved.
    const acknowledged = new Map<number, string>();
    const outageAnswers: number[] = [];
    const submitUntilSaved = async (seq: number) => {
      const submissionId = crypto.randomUUID();
      for (let attempt = 0; attempt < 1000; attempt++) {
        const started = Date.now();
        const res = await portal
          .post(`/api/portal/assignments/${assignment.id}/occurrences/${seq}/submit`)
          .send({ answers: smallActsAnswers(seq % 11), submissionId })
          .catch(() => null);
        if (res?.status === 200) {
          acknowledged.set(seq, submissionId);
          return;
        }
        if (res) {
          expect(res.status).toBe(503);
          expect(res.headers['retry-after']).toBeDefined();
          outageAnswers.push(Date.now() - started);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const load = Promise.all(Array.from({ length: occurrences }, (_, i) => new Promise((r) => setTimeout(r, i * 40)).then(() => submitUntilSaved(i + 1))));

    await new Promise((r) => setTimeout(r, 400));
    await server.stop();
    await new Promise((r) => setTimeout(r, downFor));
    expect((await portal.get('/api/health')).status).toBe(503);
    server = await startEmbeddedPostgres(dir, quietLogger, { port: server.port });
    await load;

    expect(acknowledged.size).toBe(occurrences);
    expect(outageAnswers.length).toBeGreaterThan(0);
    // No request hangs on the outage: the longest any can wait is one connection (the connect timeout)
    // and one statement (the statement timeout). Idle machines answer in milliseconds (`npm run resilience`
    // prints the slowest); this bound holds however busy the machine running the test is.
    expect(Math.max(...outageAnswers)).toBeLessThan(CONNECT_TIMEOUT_MS + STATEMENT_TIMEOUT_MS);
    const rows = (await db.query(`SELECT seq, status, submission_id FROM response WHERE assignment_id = $1 ORDER BY seq`, [assignment.id])) as Array<{
      seq: number;
      status: string;
      submission_id: string;
    }>;
    expect(rows).toHaveLength(occurrences);
    expect(rows.every((r) => r.status === 'submitted' && acknowledged.get(r.seq) === r.submission_id)).toBe(true);
    const [{ open }] = await db.query(`SELECT count(*)::int AS open FROM assignment_occurrence WHERE assignment_id = $1 AND pending > 0`, [assignment.id]);
    expect(open).toBe(0);
    expect(logs.join('\n')).not.toMatch(/"status":500/);
    if (process.env.RESILIENCE_SUBMISSIONS) {
      process.stdout.write(
        `resilience: ${occurrences} submissions, PostgreSQL down ${downFor / 1000} s; ${outageAnswers.length} answered 503 ` +
          `(slowest ${Math.max(...outageAnswers)} ms); ${acknowledged.size} acknowledged, ${rows.length} stored, duplicates 0\n`,
      );
    }
  });
});
