import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newPractice } from '../support/factories.js';

/** Pages of the export are a thousand events; with 2 KB of detail each, six pages are more than the sockets between server and client buffer. */
const EVENTS = 6000;

describe('the audit export', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function adminCookie(practice: { id: string }) {
    const admin = await newAdmin(t.db, practice);
    const login = await t.request().post('/api/auth/login').send({ email: admin.email, password: admin.password });
    return String(login.headers['set-cookie']).split(';')[0]!;
  }

  it('checks its filters before the first byte: a refused one is a JSON 400, not a 200 with a header row', async () => {
    const practice = await newPractice(t.db);
    const cookie = await adminCookie(practice);
    const res = await t.request().get('/api/audit/export.csv').query({ from: '2026-11' }).set('Cookie', cookie);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.fields.from).toEqual(expect.any(String));
  });

  it('cuts the connection when it fails after its first byte, so the download can never look complete', async () => {
    const practice = await newPractice(t.db);
    const cookie = await adminCookie(practice);
    await t.db.query(
      `INSERT INTO audit_event (practice_id, actor_kind, action, request_id, detail)
       SELECT $1, 'system', 'test.filler', repeat('r', 2000), jsonb_build_object('n', g) FROM generate_series(1, $2::int) g`,
      [practice.id, EVENTS],
    );
    const base = await t.listen();
    const locker = new pg.Client({ connectionString: t.databaseUrl });
    await locker.connect();
    try {
      const outcome = await new Promise<{ status: number; type: string; bytes: number; complete: boolean; aborted: boolean }>((resolve, reject) => {
        const request = http.get(`${base}/api/audit/export.csv`, { headers: { cookie } }, (res) => {
          let bytes = 0;
          let aborted = false;
          let paused = false;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (paused) return;
            paused = true;
            // Stop reading: the server fills the sockets' buffers and stops fetching pages. Then the
            // audit table is locked, reading resumes, and the next page's query waits on the lock until
            // the test ends that database connection: a failure in the middle of the download.
            res.pause();
            void (async () => {
              await new Promise((r) => setTimeout(r, 500));
              await locker.query('BEGIN');
              await locker.query('LOCK TABLE audit_event IN ACCESS EXCLUSIVE MODE');
              res.resume();
              let waiting: Array<{ pid: number }> = [];
              for (let i = 0; i < 100 && waiting.length === 0; i++) {
                waiting = (
                  await locker.query(
                    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM audit_event%' AND pid <> pg_backend_pid()`,
                  )
                ).rows;
                if (waiting.length === 0) await new Promise((r) => setTimeout(r, 100));
              }
              if (waiting.length === 0) throw new Error('the export read every page before the table was locked; raise EVENTS');
              await locker.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1::int[])', [waiting.map((w) => w.pid)]);
              await locker.query('ROLLBACK');
            })().catch(reject);
          });
          res.on('aborted', () => (aborted = true));
          res.on('error', () => (aborted = true));
          res.on('close', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), bytes, complete: res.complete, aborted }));
        });
        request.on('error', () => undefined);
      });
      expect(outcome.status).toBe(200);
      expect(outcome.type).toMatch(/text\/csv/);
      expect(outcome.bytes).toBeGreaterThan(1000);
      // The response never reached its end: a browser or curl reports a failed download, not a finished file.
      expect(outcome.complete).toBe(false);
      expect(outcome.aborted).toBe(true);
    } finally {
      await locker.end();
    }
    // The whole export, undisturbed, has every event and ends cleanly.
    const whole = await t.request().get('/api/audit/export.csv').set('Cookie', cookie).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => done(null, text));
    });
    expect(whole.status).toBe(200);
    expect((whole.body as string).split('\n').filter((l) => l.includes('test.filler'))).toHaveLength(EVENTS);
  });
});
