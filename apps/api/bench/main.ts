/**
 * `npm run bench`: Tandem at practice-network scale. Seeds two sizes ten
 * times apart, drives each hot endpoint with 50 connections, measures the
 * floors (the same SQL through a bare pg server, as sent and prepared; one
 * prepared primary-key select; a constant-JSON route in the same app), and writes bench/results/<date>.json and .md.
 *
 *   npm run bench -- [--scale 1] [--duration 10] [--connections 50] [--submits 4000] [--rounds 3] [--fresh] [--explain]
 *
 * --scale 1 is the large size (200 practices, 50,000 clients, 1,000,000
 * occurrences, 5,000,000 audit events); the small size is a tenth of it.
 * --explain prints the plan of every read each endpoint sends, with
 * EXPLAIN (ANALYZE, BUFFERS), and measures nothing. Seeded databases are kept (embedded: under the system temp folder) and
 * reused by later runs at the same scale unless --fresh.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createLogger } from '../src/common/logger.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { withDatabase } from '../src/database/ensure-database.js';
import { repoRoot } from '../src/config/repo-root.js';
import { startChild } from './children.js';
import { readEndpoints, submitBody, submitEndpoint, type Endpoint } from './endpoints.js';
import { explainReads, type QueryCost } from './explain.js';
import { load, medianFigures, type LoadFigures } from './load.js';
import type { CapturedQuery, SubmitTemplate } from './messages.js';
import { LARGE_PRACTICES } from './plan.js';
import { prepareActors, type BenchActors } from './prepare.js';
import { writeReport, type BenchResults, type EndpointResult, type SizeResult } from './report.js';
import { BENCH_DATA_KEY, countRows, seedBench, type SeedReport } from './seed.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    submits: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '3' },
    fresh: { type: 'boolean', default: false },
    explain: { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: path.join(os.tmpdir(), 'tandem-bench') },
    'no-readme': { type: 'boolean', default: false },
  },
});
const scale = Number(args.scale);
const duration = Number(args.duration);
const connections = Number(args.connections);
const submits = Number(args.submits);
const rounds = Number(args.rounds);
if (!(scale > 0) || !(duration > 0) || !(connections > 0) || !(submits > 0) || !Number.isInteger(rounds) || rounds < 1) {
  console.error('--scale, --duration, --connections, --submits and --rounds take positive numbers');
  process.exit(2);
}
const large = Math.max(2, Math.round(LARGE_PRACTICES * scale));
const small = Math.max(2, Math.round(large / 10));
const today = new Date().toISOString().slice(0, 10);
const log = (line: string) => console.log(line);
const POOL_SIZE = '20';


/** A database seeded at this size, reused when an earlier run completed it. */
async function seededDatabase(adminUrl: string, practices: number): Promise<{ url: string; seed: SeedReport; reused: boolean }> {
  const name = `tandem_bench_${practices}`;
  const url = withDatabase(adminUrl, name);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
    if (exists && !args.fresh) {
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      const meta = await db.query(`SELECT report FROM bench_meta WHERE complete`).catch(() => ({ rows: [] }));
      await db.end();
      if (meta.rows[0]) return { url, seed: meta.rows[0].report as SeedReport, reused: true };
    }
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const migrations = new DataSource(dataSourceOptions(url, 1));
  await migrations.initialize();
  await migrations.runMigrations({ transaction: 'each' });
  await migrations.destroy();
  log(`Seeding ${practices} practices into ${name}:`);
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  try {
    const seed = await seedBench(pool, practices, today, log);
    log(`  total: ${(seed.totalMs / 1000).toFixed(0)} s, ${seed.rowsPerSecond.toLocaleString('en-US')} rows/s`);
    await pool.query(`CREATE TABLE bench_meta (complete boolean NOT NULL, report jsonb NOT NULL)`);
    await pool.query(`INSERT INTO bench_meta VALUES (true, $1)`, [JSON.stringify(seed)]);
    return { url, seed, reused: false };
  } finally {
    await pool.end();
  }
}

async function call(baseUrl: string, spec: Endpoint['spec'], n = 0): Promise<{ status: number; body: string }> {
  const v = spec.vary?.(n) ?? {};
  const res = await fetch(baseUrl + (v.path ?? spec.path), {
    method: spec.method,
    headers: { ...spec.headers, ...v.headers },
    body: v.body,
  });
  return { status: res.status, body: await res.text() };
}

const logTriple = (label: string, tandem: LoadFigures, replayed: LoadFigures, prepared: LoadFigures) =>
  log(`  ${label.padEnd(32)} ${fmt(tandem)}\n  ${''.padEnd(32)} ${fmt(replayed)}  (replay)\n  ${''.padEnd(32)} ${fmt(prepared)}  (prepared)`);

const fmt = (f: LoadFigures) =>
  `${String(f.requestsPerSecond).padStart(6)} req/s  p50 ${String(f.p50Ms).padStart(4)} ms  p99 ${String(f.p99Ms).padStart(4)} ms  errors ${f.errors}${Object.keys(f.statuses).length ? `  other statuses ${JSON.stringify(f.statuses)}` : ''}`;

async function runSize(adminUrl: string, practices: number): Promise<SizeResult | null> {
  const { url, seed, reused } = await seededDatabase(adminUrl, practices);
  if (reused) log(`Reusing ${practices} practices seeded earlier (${seed.rowsPerSecond.toLocaleString('en-US')} rows/s then); --fresh seeds again.`);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const counts = await countRows(pool);
  const loadOptions = { connections, duration, warmup: 2 };
  const warmSubmits = connections * 20;
  const perSide = submits + warmSubmits;
  // Three sets of open assignments: Tandem, the replay floor and the prepared floor each submit their own.
  const actors: BenchActors = await prepareActors(pool, practices, today, 3 * perSide + 2);
  const env = {
    DATABASE_URL: url,
    TANDEM_DATA_KEY: BENCH_DATA_KEY.toString('base64'),
    TANDEM_DB_POOL_SIZE: POOL_SIZE,
    TANDEM_SEED_DEMO: 'false',
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
  };

  log(`\n${practices} practices: each page answered once through Tandem, its SQL recorded`);
  const app = await startChild('app-server.js', env);
  const reads = readEndpoints(actors);
  const plans: Record<string, CapturedQuery[]> = {};
  const costs: Record<string, QueryCost> = {};
  const results: Record<string, Partial<EndpointResult>> = {};
  let template: SubmitTemplate;
  let constantJson: LoadFigures;
  let physical: LoadFigures;
  try {
    // One request each to check it answers well and to record its SQL (the second, once caches are warm).
    for (const e of reads) {
      const first = await call(app.baseUrl, e.spec);
      app.send({ type: 'record' });
      const second = await call(app.baseUrl, e.spec);
      app.send({ type: 'recorded' });
      plans[e.name] = (await app.next('recorded')).queries;
      if (first.status !== 200 || second.status !== 200 || second.body.length < 20) throw new Error(`${e.name} answered ${second.status}: ${second.body.slice(0, 300)}`);
      costs[e.name] = await explainReads(pool, plans[e.name]!, args.explain ? (line) => log(`[${e.name}] ${line}`) : undefined);
    }
    const submitSpec = submitEndpoint(actors, 0).spec;
    app.send({ type: 'record' });
    const submitted = await call(app.baseUrl, submitSpec, 0);
    app.send({ type: 'recorded' });
    const queries = (await app.next('recorded')).queries;
    if (submitted.status !== 200 && submitted.status !== 201) throw new Error(`submit answered ${submitted.status}: ${submitted.body.slice(0, 300)}`);
    const target = actors.submit.targets[0]!;
    const [{ id: responseId, submission_id: submissionId }] = (
      await pool.query(`SELECT id, submission_id FROM response WHERE practice_id = $1 AND assignment_id = $2`, [actors.submit.practiceId, target.assignmentId])
    ).rows as Array<{ id: string; submission_id: string }>;
    template = { queries, target, responseId: responseId!, submissionId: submissionId! };
    if (args.explain) {
      await pool.end();
      return null;
    }

    // Tandem and its floors are driven in turn for each page, so each page's ratios are measured within
    // seconds of each other: this machine's speed drifts over the minutes a whole pass takes.
    log(`\n${practices} practices: Tandem | the same SQL through bare pg and node:http | the same SQL prepared`);
    const floor = await startChild('floor-server.js', env);
    try {
      // The physical floor: one prepared primary-key select of a row this practice has.
      const physicalQuery = { text: 'SELECT id, name, status FROM client WHERE practice_id = $1 AND id = $2', values: [actors.practiceId, actors.clientId] };
      floor.send({ type: 'plans', reads: plans, submit: template, targets: actors.submit.targets, physical: physicalQuery });
      constantJson = await load(app.baseUrl, { method: 'GET', path: '/api/health/live' }, loadOptions);
      log(`  ${'Constant JSON (floor)'.padEnd(32)} ${fmt(constantJson)}`);
      physical = await load(floor.baseUrl, { method: 'GET', path: '/physical' }, loadOptions);
      log(`  ${'Physical floor (one PK select)'.padEnd(32)} ${fmt(physical)}`);
      // Several rounds, each page's median kept: the machine's speed swings from one second to the next.
      const measured = new Map<string, { tandem: LoadFigures[]; replayed: LoadFigures[]; prepared: LoadFigures[] }>();
      for (let round = 1; round <= rounds; round++) {
        if (rounds > 1) log(`  round ${round} of ${rounds}`);
        for (const e of reads) {
          const tandem = await load(app.baseUrl, e.spec, loadOptions);
          const replayed = await load(floor.baseUrl, { method: 'GET', path: `/${e.name}` }, loadOptions);
          const prepared = await load(floor.baseUrl, { method: 'GET', path: `/prepared/${e.name}` }, loadOptions);
          const kept = measured.get(e.name) ?? { tandem: [], replayed: [], prepared: [] };
          kept.tandem.push(tandem);
          kept.replayed.push(replayed);
          kept.prepared.push(prepared);
          measured.set(e.name, kept);
          logTriple(e.label, tandem, replayed, prepared);
        }
      }
      for (const e of reads) {
        const kept = measured.get(e.name)!;
        results[e.name] = {
          name: e.name,
          label: e.label,
          method: e.spec.method,
          path: e.spec.path,
          tandem: medianFigures(kept.tandem),
          floor: medianFigures(kept.replayed),
          prepared: medianFigures(kept.prepared),
        };
      }
      const submit = submitEndpoint(actors, 1);
      const submitOptions = { ...loadOptions, amount: submits };
      const tandem = await load(app.baseUrl, submit.spec, submitOptions);
      const floorSubmit = (prefix: string, offset: number) =>
        load(
          floor.baseUrl,
          {
            method: 'POST',
            path: `/${prefix}submit`,
            vary: (n) => ({ headers: { 'x-target': String(offset + n), 'content-type': 'application/json' }, body: submitBody(actors, '00000000-0000-4000-8000-000000000000') }),
          },
          submitOptions,
        );
      const replayed = await floorSubmit('', 1 + perSide);
      const prepared = await floorSubmit('prepared/', 1 + 2 * perSide);
      results.submit = { name: submit.name, label: submit.label, method: submit.spec.method, path: submit.spec.path, tandem, floor: replayed, prepared };
      logTriple('Portal submit', tandem, replayed, prepared);
    } finally {
      await floor.stop();
    }
  } finally {
    await app.stop();
  }

  const endpoints = Object.values(results).map((r) => ({ ...r, cost: costs[r.name!] ?? null }) as EndpointResult);
  const { rows } = await pool.query(`SELECT pg_database_size(current_database()) AS bytes`);
  await pool.end();
  return { practices, counts, seed, reused, databaseBytes: Number(rows[0].bytes), constantJson, physical: physical!, endpoints };
}

async function main() {
  let adminUrl = process.env.DATABASE_URL;
  let stop = async () => undefined as void;
  if (!adminUrl) {
    const server = await startEmbeddedPostgres(args['data-dir']!, createLogger('warn'), { settings: { max_wal_size: '8GB', checkpoint_timeout: '30min' } });
    adminUrl = server.adminUrl;
    stop = () => server.stop();
  }
  try {
    const versions = await (async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      const { rows } = await c.query(`SHOW server_version`);
      await c.end();
      return rows[0].server_version as string;
    })();
    const sizes: SizeResult[] = [];
    for (const practices of [small, large]) {
      const size = await runSize(adminUrl, practices);
      if (size) sizes.push(size);
    }
    if (args.explain) return;
    const results: BenchResults = {
      date: today,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, postgres: versions },
      settings: { connections, durationSeconds: duration, submits, rounds, poolSize: Number(POOL_SIZE) },
      sizes,
    };
    const written = await writeReport(results, path.join(repoRoot(), 'bench', 'results'), args['no-readme'] ? undefined : path.join(repoRoot(), 'README.md'));
    log(`\n${written.markdown}`);
    log(`Wrote ${path.relative(repoRoot(), written.jsonFile)} and ${path.relative(repoRoot(), written.markdownFile)}.`);
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
