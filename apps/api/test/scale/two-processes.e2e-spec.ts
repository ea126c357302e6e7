import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { withDatabase } from '../../src/database/ensure-database.js';
import { newClient, newClinician, newPortalLink, newPractice, newStaff, type TestClient, type TestStaff } from '../support/factories.js';
import { MailSink, until } from '../support/mail-sink.js';
import { smallActsAnswers } from '../homework/homework-helpers.js';

/**
 * Two real API processes (the built app, as `npm start` runs it) on one
 * database, with requests alternating between them the way a load balancer
 * sends them. Whatever one process knows, the other must know too: nothing
 * that matters may live in a process's memory.
 */

const MAIN = path.resolve(import.meta.dirname, '../../dist/apps/api/src/main.js');
const MAX_ATTEMPTS = 4;
const MAX_FAILED_LINKS = 4;

interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON (each test reads the fields it checks), or the text when the answer is not JSON. */
  body: any;
  cookies: string[];
}

interface Api {
  name: string;
  base: string;
  child: ChildProcess;
  output: string[];
  call(method: string, url: string, options?: { body?: unknown; cookie?: string; from?: string }): Promise<Answer>;
}

/** The `name=value` part of each Set-Cookie, joined as a browser would send them back. */
const cookieOf = (answer: Answer) => answer.cookies.map((c) => c.split(';')[0]).join('; ');

/** The port a process reports once it is ready, read from its "Tandem is ready" log line. */
function readyPort(output: string[]): number | undefined {
  for (const line of output) {
    const port = /"port":(\d+).*"msg":"Tandem is ready"/.exec(line)?.[1];
    if (port) return Number(port);
  }
  return undefined;
}

/**
 * Each process binds a port the system chooses (PORT=0) and reports it: a port picked here and handed over could be
 * taken by another test in between.
 */
function startApi(name: string, env: Record<string, string>): Api {
  const output: string[] = [];
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => output.push(...String(chunk).split('\n').filter(Boolean)));
  child.stderr!.on('data', (chunk: Buffer) => output.push(...String(chunk).split('\n').filter(Boolean)));
  return {
    name,
    get base() {
      const port = readyPort(output);
      if (port === undefined) throw new Error(`process ${name} has not reported its port yet`);
      return `http://127.0.0.1:${port}`;
    },
    child,
    output,
    async call(method, url, options = {}) {
      const headers: Record<string, string> = {};
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (options.cookie) headers.cookie = options.cookie;
      if (options.from) headers['x-forwarded-for'] = options.from;
      const res = await fetch(`${this.base}${url}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        redirect: 'manual',
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON (a redirect or a page): the text is the body.
      }
      return { status: res.status, headers: res.headers, body, cookies: res.headers.getSetCookie() };
    },
  };
}

async function stopApi(api: Api): Promise<void> {
  if (api.child.exitCode !== null) return;
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<void>((resolve) => api.child.once('exit', () => resolve()));
  api.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
  clearTimeout(timer);
  if (api.child.exitCode === null) api.child.kill('SIGKILL');
}

/** The practice's time zone in which it is now about noon, so reminders are not held for quiet hours. */
function zoneAtNoon(): { zone: string; today: string } {
  const offset = 12 - new Date().getUTCHours(); // -11 … 12
  const zone = offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  const today = new Date(Date.now() + offset * 3_600_000).toISOString().slice(0, 10);
  return { zone, today };
}

describe('two API processes on one database act as one', () => {
  const sink = new MailSink();
  let databaseName: string;
  let db: DataSource;
  let a: Api;
  let b: Api;
  let practice: { id: string; name: string };
  let clinician: TestStaff;
  let today: string;

  beforeAll(async () => {
    await sink.start();
    // An empty database: both processes start at once and migrate it, one after the other.
    const adminUrl = process.env.TANDEM_TEST_ADMIN_URL!;
    databaseName = `${process.env.TANDEM_TEST_TEMPLATE!.replace('tandem_template_', 'tandem_t_')}_pair_${crypto.randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${databaseName}`);
    await admin.end();
    const databaseUrl = withDatabase(adminUrl, databaseName);
    const env = {
      DATABASE_URL: databaseUrl,
      TANDEM_DATA_KEY: crypto.randomBytes(32).toString('base64'),
      TANDEM_DATA_DIR: path.join(os.tmpdir(), 'tandem-test-data'),
      TANDEM_SMTP_URL: sink.url,
      TANDEM_MAIL_FROM: 'Tandem <tandem@test.example>',
      TANDEM_MAIL_CATCHER: 'false',
      TANDEM_BACKUP_SCHEDULE: 'off',
      TANDEM_DB_POOL_SIZE: '4',
      TANDEM_LOGIN_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      TANDEM_LOGIN_WINDOW_SECONDS: '600',
      TANDEM_PORTAL_MAX_FAILED_LOOKUPS: String(MAX_FAILED_LINKS),
      // Each scenario comes from an address of its own, as a load balancer reports it.
      TANDEM_TRUST_PROXY: 'true',
      // Links in email name the address both processes are reached at.
      TANDEM_PUBLIC_URL: 'https://tandem.test',
      // Both processes look for due reminders every second, so they race for every one.
      TANDEM_REMINDER_CHECK_SECONDS: '1',
      LOG_LEVEL: 'info',
    };
    a = startApi('A', env);
    b = startApi('B', env);
    try {
      for (const api of [a, b]) {
        await until(async () => {
          if (api.child.exitCode !== null) throw new Error(`process ${api.name} exited: ${api.output.join('\n')}`);
          if (readyPort(api.output) === undefined) return false;
          return (await api.call('GET', '/api/health').catch(() => undefined))?.status === 200;
        }, 40_000);
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}\nA:\n${a.output.join('\n')}\nB:\n${b.output.join('\n')}`);
    }
    db = new DataSource(dataSourceOptions(databaseUrl, 2));
    await db.initialize();
    const noon = zoneAtNoon();
    today = noon.today;
    practice = await newPractice(db);
    await db.query(`UPDATE practice SET timezone = $2 WHERE id = $1`, [practice.id, noon.zone]);
    clinician = await newClinician(db, practice);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map(stopApi));
    await db?.destroy();
    await sink.stop();
    const admin = new pg.Client({ connectionString: process.env.TANDEM_TEST_ADMIN_URL! });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.end();
    const failures = [...a.output, ...b.output].filter((line) => /"status":5\d\d/.test(line) && !/"status":503/.test(line));
    expect(failures).toEqual([]);
  }, 30_000);

  const signIn = async (api: Api, staff: TestStaff, from: string) => {
    const res = await api.call('POST', '/api/auth/login', { body: { email: staff.email, password: staff.password }, from });
    expect(res.status).toBe(200);
    return cookieOf(res);
  };

  it('both migrated the one database at start, one after the other, without an error', async () => {
    const [row] = (await db.query(`SELECT count(*)::int AS n, count(DISTINCT name)::int AS names FROM migrations`)) as Array<{ n: number; names: number }>;
    expect(row!.n).toBeGreaterThan(10);
    expect(row!.names).toBe(row!.n);
    // Without the migration lock, the second process hits a duplicate key and only starts on TypeORM's retry.
    const errors = [...a.output, ...b.output].filter((line) => /"level":(50|60)/.test(line));
    expect(errors).toEqual([]);
  });

  it('wrong passwords count across both: after the limit on A, B refuses the next guess and even the right password', async () => {
    const staff = await newStaff(db, practice);
    const wrong = { email: staff.email, password: 'not the password at all' };
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      expect((await a.call('POST', '/api/auth/login', { body: wrong, from: '198.51.100.1' })).status).toBe(401);
    }
    const refused = await b.call('POST', '/api/auth/login', { body: wrong, from: '198.51.100.2' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500);
    const right = await b.call('POST', '/api/auth/login', { body: { email: staff.email, password: staff.password }, from: '198.51.100.2' });
    expect(right.status).toBe(429);
  });

  it('alternating between A and B buys no extra guesses', async () => {
    const staff = await newStaff(db, practice);
    const wrong = { email: staff.email, password: 'still not the password' };
    const statuses: number[] = [];
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      statuses.push((await (i % 2 === 0 ? a : b).call('POST', '/api/auth/login', { body: wrong, from: '198.51.100.3' })).status);
    }
    expect(statuses).toEqual([...Array<number>(MAX_ATTEMPTS).fill(401), 429, 429]);
  });

  it('a session opened on A works on B, and signing out on A ends it on B at once', async () => {
    const cookie = await signIn(a, clinician, '198.51.100.10');
    const me = await b.call('GET', '/api/auth/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(clinician.email);

    expect((await a.call('POST', '/api/auth/logout', { cookie })).status).toBeLessThan(300);
    expect((await b.call('GET', '/api/auth/me', { cookie })).status).toBe(401);
    expect((await a.call('GET', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('a page cursor given out by A is read by B', async () => {
    for (let i = 0; i < 3; i++) await newClient(db, practice, { clinicians: [clinician] });
    const cookie = await signIn(b, clinician, '198.51.100.11');
    const first = await a.call('GET', '/api/clients?limit=1', { cookie });
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await b.call('GET', `/api/clients?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, { cookie });
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it('a submission repeated on B after A is the same submission, not a second one', async () => {
    const client = await newClient(db, practice, { clinicians: [clinician] });
    const staff = await signIn(a, clinician, '198.51.100.12');
    const assigned = await a.call('POST', '/api/assignments', {
      cookie: staff,
      body: { clientId: client.id, exerciseId: 'builtin:small-acts-of-care', instructions: 'This week', dueOn: today, recurrence: 'daily', count: 1 },
    });
    expect(assigned.status).toBe(201);
    const opened = await b.call('GET', `/p/${await newPortalLink(db, client, clinician)}`, { from: '198.51.100.12' });
    expect([opened.status, opened.headers.get('location')]).toEqual([200, null]);
    const portal = cookieOf(opened);
    const submit = { answers: smallActsAnswers(7), submissionId: crypto.randomUUID() };
    const url = `/api/portal/assignments/${assigned.body.id}/occurrences/1/submit`;
    const first = await a.call('POST', url, { cookie: portal, body: submit });
    expect(first.status).toBe(200);
    const retried = await b.call('POST', url, { cookie: portal, body: submit });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(first.body);
    const rows = (await db.query(
      `SELECT count(*)::int AS n FROM response WHERE practice_id = $1 AND assignment_id = $2 AND status = 'submitted'`,
      [practice.id, assigned.body.id],
    )) as Array<{ n: number }>;
    expect(rows[0]!.n).toBe(1);
    const submittedEvents = (await db.query(`SELECT count(*)::int AS n FROM audit_event WHERE practice_id = $1 AND action = 'response.submitted' AND record_id = $2`, [
      practice.id,
      assigned.body.id,
    ])) as Array<{ n: number }>;
    expect(submittedEvents[0]!.n).toBe(1);
  });

  it('unknown portal links count across both: alternating guesses reach the limit as fast as on one', async () => {
    const guess = (api: Api) => api.call('GET', `/p/${crypto.randomBytes(32).toString('base64url')}`, { from: '203.0.113.50' });
    const statuses: number[] = [];
    for (let i = 0; i < MAX_FAILED_LINKS + 1; i++) statuses.push((await guess(i % 2 === 0 ? a : b)).status);
    expect(statuses).toEqual([...Array<number>(MAX_FAILED_LINKS).fill(303), 429]);
    expect((await guess(b)).status).toBe(429);
  });

  it('with both processes checking every second, each due reminder is emailed once', async () => {
    const clients: Array<TestClient & { email: string }> = [];
    for (let i = 0; i < 3; i++) {
      const client = await newClient(db, practice, { clinicians: [clinician] });
      const email = `reminded.${crypto.randomBytes(4).toString('hex')}@test.example`;
      await db.query(`UPDATE client SET email = $3, reminder_hour = 8 WHERE practice_id = $1 AND id = $2`, [practice.id, client.id, email]);
      clients.push({ ...client, email });
    }
    const staff = await signIn(b, clinician, '198.51.100.13');
    for (const [i, client] of clients.entries()) {
      const res = await (i % 2 === 0 ? a : b).call('POST', '/api/assignments', {
        cookie: staff,
        body: { clientId: client.id, exerciseId: 'builtin:small-acts-of-care', instructions: 'Today', dueOn: today, recurrence: 'daily', count: 1, remind: true },
      });
      expect(res.status).toBe(201);
    }
    // Each client: the notice of new homework, and the due-day reminder, from whichever process got there first.
    for (const client of clients) await sink.waitFor(client.email, 2, 20_000);
    // Several more checks by both processes change nothing.
    await new Promise((r) => setTimeout(r, 3_000));
    for (const client of clients) {
      const subjects = sink.to(client.email).map((m) => m.subject).sort();
      expect(subjects).toEqual([`A reminder from ${practice.name}`, `Something new from ${practice.name}`]);
    }
    const deliveries = (await db.query(
      `SELECT message_kind, status, attempts FROM delivery WHERE practice_id = $1 AND message_kind IN ('homework_due', 'homework_assigned')`,
      [practice.id],
    )) as Array<{ message_kind: string; status: string; attempts: number }>;
    expect(deliveries.filter((d) => d.message_kind === 'homework_due')).toHaveLength(clients.length);
    expect(deliveries.every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
  });
});
