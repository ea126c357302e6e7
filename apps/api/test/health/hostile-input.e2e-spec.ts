import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newPractice } from '../support/factories.js';
import { MAX_JSON_DEPTH } from '../../src/common/json-depth.js';

/**
 * Hostile traffic while staff use Tandem: bodies far over the limit, JSON
 * nested a hundred thousand deep (and exactly as deep as allowed), malformed JSON, and slow clients that
 * trickle their request a byte at a time. `npm run resilience` runs it
 * longer and wider (RESILIENCE_HOSTILE_SECONDS, RESILIENCE_SLOW_CLIENTS).
 */
const SECONDS = Number(process.env.RESILIENCE_HOSTILE_SECONDS ?? 3);
const SLOW_CLIENTS = Number(process.env.RESILIENCE_SLOW_CLIENTS ?? 60);
const TIMEOUT_SECONDS = 2;

interface Outcome {
  status?: number;
  error?: string;
}

/** One raw request; a connection the server cut while the body was still going counts as `error`. */
function send(base: URL, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request({ host: base.hostname, port: base.port, method, path, headers: { ...headers, connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
      res.on('error', (e) => resolve({ status: res.statusCode, error: e.message }));
    });
    req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(body);
  });
}

/** Opens a connection that sends the start of a request, then one byte every 300 ms; resolves with what the server did. */
function slowClient(base: URL, partialHeaders: boolean): Promise<{ statusLine: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(Number(base.port), base.hostname);
    let received = '';
    const head = partialHeaders
      ? 'GET /api/health HTTP/1.1\r\nHost: tandem\r\nX-Slow: '
      : 'POST /api/auth/login HTTP/1.1\r\nHost: tandem\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"email":"';
    socket.write(head);
    const drip = setInterval(() => socket.writable && socket.write('a'), 300);
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      resolve({ statusLine: received.split('\r\n')[0] ?? '', closedAfterMs: Date.now() - started });
    });
  });
}

describe('hostile input under load', () => {
  let t: TestApp;
  let base: URL;
  let cookie: string;

  beforeAll(async () => {
    t = await startTestApp({ TANDEM_REQUEST_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS) });
    base = new URL(await t.listen());
    const admin = await newAdmin(t.db, await newPractice(t.db));
    const res = await fetch(new URL('/api/auth/login', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    expect(res.status).toBe(200);
    cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  });
  afterAll(() => t.close());

  it('keeps answering staff while it refuses huge, deep, malformed and slow requests', async () => {
    const until = Date.now() + SECONDS * 1000;
    const legit: Outcome[] = [];
    const hostile: Record<string, Outcome[]> = { huge: [], deepArray: [], deepObject: [], atLimit: [], malformed: [] };
    const json = { 'content-type': 'application/json', cookie };
    const huge = Buffer.alloc(t.config.bodyLimitBytes * 4, 'a');
    const depth = 100_000;
    const bodies = {
      deepArray: '['.repeat(depth) + ']'.repeat(depth),
      deepObject: '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
      // As deep as a body may be: parsed, then refused field by field.
      atLimit: '{"name":' + '['.repeat(MAX_JSON_DEPTH - 1) + ']'.repeat(MAX_JSON_DEPTH - 1) + '}',
      malformed: '{"name": "Ada", "preferredName": ',
    };

    const loop = async (work: () => Promise<void>) => {
      while (Date.now() < until) await work();
    };
    const slowResults: Array<{ statusLine: string; closedAfterMs: number }> = [];
    await Promise.all([
      // Waves of slow clients for as long as the barrage lasts.
      loop(async () => void slowResults.push(...(await Promise.all(Array.from({ length: SLOW_CLIENTS }, (_, i) => slowClient(base, i % 2 === 0)))))),
      ...Array.from({ length: 8 }, () => loop(async () => void legit.push(await send(base, 'GET', '/api/clients', { cookie })))),
      ...Array.from({ length: 2 }, () => loop(async () => void hostile.huge!.push(await send(base, 'POST', '/api/clients', json, huge)))),
      ...(['deepArray', 'deepObject', 'atLimit', 'malformed'] as const).map((kind) =>
        loop(async () => void hostile[kind]!.push(await send(base, 'POST', '/api/clients', json, bodies[kind]))),
      ),
    ]);

    // Staff were served throughout.
    expect(legit.length).toBeGreaterThan(SECONDS * 5);
    expect(legit.filter((o) => o.status !== 200)).toEqual([]);
    // Too large: 413, or the connection cut while the rest was still being sent; never a 5xx.
    expect(hostile.huge!.some((o) => o.status === 413)).toBe(true);
    expect(hostile.huge!.filter((o) => o.status !== 413 && !o.error)).toEqual([]);
    // Deep and malformed JSON: a 400 each time.
    for (const kind of ['deepArray', 'deepObject', 'atLimit', 'malformed']) {
      expect(hostile[kind]!.length).toBeGreaterThan(0);
      expect({ kind, statuses: [...new Set(hostile[kind]!.map((o) => o.status ?? o.error))] }).toEqual({ kind, statuses: [400] });
    }
    // Slow clients were answered 408 and disconnected by the server, not held open.
    expect(slowResults.filter((r) => !r.statusLine.startsWith('HTTP/1.1 408'))).toEqual([]);
    expect(Math.max(...slowResults.map((r) => r.closedAfterMs))).toBeLessThan((TIMEOUT_SECONDS + 5) * 1000);
    // And it is still healthy afterwards.
    expect((await send(base, 'GET', '/api/health', {})).status).toBe(200);
    if (process.env.RESILIENCE_HOSTILE_SECONDS) {
      const tally = (kind: string) => `${hostile[kind]!.length} ${kind}`;
      process.stdout.write(
        `hostile input: ${SECONDS} s; ${legit.length} staff requests, all 200; refused ${['huge', 'deepArray', 'deepObject', 'atLimit', 'malformed'].map(tally).join(', ')}; ` +
          `${slowResults.length} slow clients, all 408 and disconnected (slowest after ${Math.max(...slowResults.map((r) => r.closedAfterMs))} ms)\n`,
      );
    }
  });
});
