import autocannon, { type Request } from 'autocannon';

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Answers other than 2xx, by status. */
  statuses: Record<string, number>;
}

export interface LoadSpec {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** Called for every request: what changes from one request to the next (the submit benchmark's targets). */
  vary?: (n: number) => { path?: string; headers?: Record<string, string>; body?: string };
}

/**
 * Drives `spec` with `connections` concurrent connections: first a short
 * warm-up (not counted), then either for `duration` seconds or, when
 * `amount` is given, until that many requests have been answered.
 */
export async function load(baseUrl: string, spec: LoadSpec, options: { connections: number; duration: number; amount?: number; warmup?: number }): Promise<LoadFigures> {
  let n = 0;
  const request: Request = {
    method: spec.method,
    path: spec.path,
    headers: spec.headers ?? {},
    ...(spec.vary && {
      setupRequest: (r: Request) => {
        const v = spec.vary!(n++);
        return { ...r, ...(v.path && { path: v.path }), ...(v.body && { body: v.body }), headers: { ...r.headers, ...v.headers } };
      },
    }),
  };
  const run = (o: { duration?: number; amount?: number }) => {
    const started = performance.now();
    let lastAnswer = started;
    const running = autocannon({ url: baseUrl, connections: options.connections, timeout: 10, requests: [request], ...o });
    running.on('response', () => (lastAnswer = performance.now()));
    // autocannon reports a run's duration at its next one-second tick: a run of `amount` requests that ends at
    // 2.1 s is reported as 3 s. The time to the last answer is measured here instead.
    return running.then((result) => ({ result, seconds: (lastAnswer - started) / 1000 }));
  };
  if (options.warmup) await run(options.amount ? { amount: Math.min(options.amount, options.connections * 20) } : { duration: options.warmup });
  const { result: r, seconds } = await run(options.amount ? { amount: options.amount } : { duration: options.duration });
  const statuses = Object.fromEntries(Object.entries(r.statusCodeStats).filter(([code]) => !code.startsWith('2')).map(([code, s]) => [code, s.count]));
  return {
    requestsPerSecond: Math.round(r.requests.total / seconds),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.timeouts,
    statuses,
  };
}

/** Each figure's median over several runs of one page (requests, errors and other statuses are summed). */
export function medianFigures(runs: LoadFigures[]): LoadFigures {
  const median = (pick: (f: LoadFigures) => number) => {
    const sorted = runs.map(pick).sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
  };
  const statuses: Record<string, number> = {};
  for (const run of runs) for (const [code, count] of Object.entries(run.statuses)) statuses[code] = (statuses[code] ?? 0) + count;
  return {
    requestsPerSecond: median((f) => f.requestsPerSecond),
    p50Ms: median((f) => f.p50Ms),
    p99Ms: median((f) => f.p99Ms),
    requests: runs.reduce((sum, f) => sum + f.requests, 0),
    errors: runs.reduce((sum, f) => sum + f.errors, 0),
    statuses,
  };
}
