import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { load, medianFigures, type LoadFigures } from '../../bench/load.js';

/**
 * The bench's load driver. A run of a fixed number of requests (the portal submit benchmark) must report
 * its rate from the time its answers took: autocannon itself reports such a run's duration rounded up to
 * its next one-second tick, which turned every submit figure into 1,000 ÷ 2 or 1,000 ÷ 3.
 */
describe('the bench load driver', () => {
  const ANSWER_MS = 15;
  const CONNECTIONS = 10;
  let server: http.Server;
  let baseUrl: string;
  /** When the server finished its latest answer, on this process's clock (the one the driver reads too). */
  let lastAnswered = 0;

  beforeAll(async () => {
    server = http.createServer((_request, response) => {
      setTimeout(() => {
        response.end('{"ok":true}');
        lastAnswered = performance.now();
      }, ANSWER_MS);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('a run of a fixed number of requests reports the rate at which they were answered, not per whole second', async () => {
    const started = performance.now();
    const figures = await load(baseUrl, { method: 'GET', path: '/' }, { connections: CONNECTIONS, duration: 1, amount: 200 });
    expect(figures.requests).toBe(200);
    expect(figures.errors).toBe(0);
    // The rate the server saw: 200 answers from the start to its last one (about 0.3 s on an idle machine: ten
    // connections answered after 15 ms each). autocannon's own duration would have been a whole second or more.
    const served = 200 / ((lastAnswered - started) / 1000);
    expect(figures.requestsPerSecond).toBeGreaterThan(served * 0.75);
    expect(figures.requestsPerSecond).toBeLessThanOrEqual(served * 1.1);
  });

  it('keeps each figure\'s median over rounds and adds up requests, errors and other statuses', () => {
    const run = (requestsPerSecond: number, p99Ms: number, statuses: Record<string, number> = {}): LoadFigures => ({
      requestsPerSecond,
      p50Ms: p99Ms / 2,
      p99Ms,
      requests: requestsPerSecond * 5,
      errors: statuses['503'] ? 1 : 0,
      statuses,
    });
    expect(medianFigures([run(900, 80), run(400, 300, { 503: 2 }), run(700, 120)])).toEqual({
      requestsPerSecond: 700,
      p50Ms: 60,
      p99Ms: 120,
      requests: 10_000,
      errors: 1,
      statuses: { 503: 2 },
    });
    expect(medianFigures([run(900, 80), run(400, 300)]).requestsPerSecond).toBe(650);
  });
});
