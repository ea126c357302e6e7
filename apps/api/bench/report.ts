import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../src/config/repo-root.js';
import type { QueryCost } from './explain.js';
import type { LoadFigures } from './load.js';
import type { SizeCounts } from './plan.js';
import type { SeedReport } from './seed.js';

export interface EndpointResult {
  name: string;
  label: string;
  method: string;
  path: string;
  tandem: LoadFigures;
  /** The same statements through bare pg, as Tandem sent them. */
  floor: LoadFigures;
  /** The same statements through bare pg, as named (prepared) statements. */
  prepared: LoadFigures;
  /** Database work per request (reads only), from EXPLAIN (ANALYZE, BUFFERS); null for the write. */
  cost: QueryCost | null;
}

export interface SizeResult {
  practices: number;
  counts: SizeCounts;
  seed: SeedReport;
  reused: boolean;
  databaseBytes: number;
  constantJson: LoadFigures;
  /** One prepared primary-key select through bare pg and node:http. */
  physical: LoadFigures;
  endpoints: EndpointResult[];
}

export interface BenchResults {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; postgres: string };
  settings: { connections: number; durationSeconds: number; submits: number; rounds?: number; poolSize: number };
  sizes: SizeResult[];
}

interface Bundle {
  name: string;
  targetKb: number;
  gzipKb: number;
  met: boolean;
}

export const TARGETS = { preparedRatio: 0.8, physicalRatio: 0.3, p99Ms: 50, pagesGrowth: 0.2 };

const n = (v: number) => v.toLocaleString('en-US');
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);

export interface Verdict {
  name: string;
  floorRatio: number;
  preparedRatio: number;
  physicalRatio: number;
  constantRatio: number;
  p99Ms: number;
  p50Growth: number;
  /** Database pages per request at the large size over the small (null for the write). */
  pagesGrowth: number | null;
  meetsPrepared: boolean;
  meetsPhysical: boolean;
  meetsP99: boolean;
  meetsPages: boolean;
}

/** Each endpoint at the large size against the targets, with the small size for growth. */
export function verdicts(results: BenchResults): Verdict[] {
  const smallSize = results.sizes[0]!;
  const largeSize = results.sizes[results.sizes.length - 1]!;
  return largeSize.endpoints.map((e) => {
    const s = smallSize.endpoints.find((x) => x.name === e.name)!;
    // Latency figures are whole milliseconds: growth is judged with a millisecond of grace.
    const growth = ratio(e.tandem.p50Ms, Math.max(s.tandem.p50Ms, 1));
    const floorRatio = ratio(e.tandem.requestsPerSecond, e.floor.requestsPerSecond);
    const preparedRatio = ratio(e.tandem.requestsPerSecond, e.prepared.requestsPerSecond);
    const physicalRatio = ratio(e.tandem.requestsPerSecond, largeSize.physical.requestsPerSecond);
    const pagesGrowth = e.cost && s.cost ? ratio(e.cost.buffers, Math.max(s.cost.buffers, 1)) : null;
    return {
      name: e.name,
      floorRatio,
      preparedRatio,
      physicalRatio,
      constantRatio: ratio(e.tandem.requestsPerSecond, largeSize.constantJson.requestsPerSecond),
      p99Ms: e.tandem.p99Ms,
      p50Growth: growth,
      pagesGrowth,
      meetsPrepared: preparedRatio >= TARGETS.preparedRatio,
      meetsPhysical: physicalRatio >= TARGETS.physicalRatio,
      meetsP99: e.tandem.p99Ms < TARGETS.p99Ms,
      meetsPages: pagesGrowth === null || Math.abs(pagesGrowth - 1) <= TARGETS.pagesGrowth,
    };
  });
}

function markdown(results: BenchResults, bundles: Bundle[] | null, jsonName: string): string {
  const smallSize = results.sizes[0]!;
  const largeSize = results.sizes[results.sizes.length - 1]!;
  const v = new Map(verdicts(results).map((x) => [x.name, x]));
  const m = results.machine;
  const lines: string[] = [];
  lines.push(
    `Measured ${results.date} on ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres}; ` +
      `${results.settings.connections} connections, ${results.settings.durationSeconds} s per endpoint` +
      `${(results.settings.rounds ?? 1) > 1 ? `, the median of ${results.settings.rounds} rounds in which each page is driven through Tandem and then its floors` : ''}` +
      ` (portal submit: ${n(results.settings.submits)} submissions, one round), ` +
      `pool of ${results.settings.poolSize} connections for both Tandem and the floor. Raw figures: [${jsonName}](${jsonName}).`,
  );
  lines.push('');
  const sizeLine = (s: SizeResult) =>
    `${n(s.counts.practices)} practices, ${n(s.counts.clinicians)} clinicians, ${n(s.counts.clients)} clients, ${n(s.counts.couples)} couples, ` +
    `${n(s.counts.occurrences)} occurrences, ${n(s.counts.responses)} responses, ${n(s.counts.notes)} notes, ${n(s.counts.auditEvents)} audit events ` +
    `(${(s.databaseBytes / 2 ** 30).toFixed(1)} GiB)`;
  lines.push(`- Large: ${sizeLine(largeSize)}.`);
  lines.push(`- Small: ${sizeLine(smallSize)}.`);
  lines.push('');
  lines.push(
    `At the large size (floors: constant JSON from the same app ${n(largeSize.constantJson.requestsPerSecond)} req/s; ` +
      `one prepared primary-key select through bare pg and node:http ${n(largeSize.physical.requestsPerSecond)} req/s, p99 ${largeSize.physical.p99Ms} ms):`,
  );
  lines.push('');
  lines.push(
    '| Endpoint | req/s | p50 | p99 | errors | replay req/s | prepared replay req/s | × replay | × prepared replay | × physical | DB pages per request, small → large |',
  );
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const e of largeSize.endpoints) {
    const s = smallSize.endpoints.find((x) => x.name === e.name)!;
    const x = v.get(e.name)!;
    const errors = e.tandem.errors + Object.values(e.tandem.statuses).reduce((a, b) => a + b, 0);
    lines.push(
      `| ${e.label} | ${n(e.tandem.requestsPerSecond)} | ${e.tandem.p50Ms} ms | ${e.tandem.p99Ms} ms | ${errors} | ${n(e.floor.requestsPerSecond)} | ${n(e.prepared.requestsPerSecond)} | ` +
        `${x.floorRatio.toFixed(2)} | ${x.preparedRatio.toFixed(2)} | ${x.physicalRatio.toFixed(2)} | ${e.cost && s.cost ? `${n(s.cost.buffers)} → ${n(e.cost.buffers)}` : '–'} |`,
    );
  }
  lines.push('');
  const all = [...v.values()];
  const misses = (f: (x: Verdict) => boolean) => all.filter((x) => !f(x)).map((x) => x.name);
  const targetLine = (label: string, f: (x: Verdict) => boolean) => {
    const missed = misses(f);
    return `| ${label} | ${missed.length === 0 ? 'met by all' : `**missed by ${missed.join(', ')}**`} |`;
  };
  lines.push('| Target (large size) | Result |');
  lines.push('|---|---|');
  lines.push(targetLine(`≥ ${TARGETS.preparedRatio}× the prepared replay floor`, (x) => x.meetsPrepared));
  lines.push(targetLine(`≥ ${TARGETS.physicalRatio}× the physical floor`, (x) => x.meetsPhysical));
  lines.push(targetLine(`p99 < ${TARGETS.p99Ms} ms at ${results.settings.connections} connections`, (x) => x.meetsP99));
  lines.push(targetLine(`DB pages per request within ${TARGETS.pagesGrowth * 100} % between the sizes`, (x) => x.meetsPages));
  for (const b of bundles ?? []) lines.push(`| ${b.name} first-load JS < ${b.targetKb} KB gzip | ${b.gzipKb} KB: ${b.met ? 'met' : '**missed**'} |`);
  lines.push('');
  lines.push(
    `At the small size (constant JSON: ${n(smallSize.constantJson.requestsPerSecond)} req/s; physical floor ${n(smallSize.physical.requestsPerSecond)} req/s):`,
  );
  lines.push('');
  lines.push('| Endpoint | req/s | p50 | p99 | errors | replay req/s | prepared replay req/s | × replay | × prepared replay | × physical |');
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const e of smallSize.endpoints) {
    const errors = e.tandem.errors + Object.values(e.tandem.statuses).reduce((a, b) => a + b, 0);
    const rps = e.tandem.requestsPerSecond;
    lines.push(
      `| ${e.label} | ${n(rps)} | ${e.tandem.p50Ms} ms | ${e.tandem.p99Ms} ms | ${errors} | ${n(e.floor.requestsPerSecond)} | ${n(e.prepared.requestsPerSecond)} | ` +
        `${ratio(rps, e.floor.requestsPerSecond).toFixed(2)} | ${ratio(rps, e.prepared.requestsPerSecond).toFixed(2)} | ${ratio(rps, smallSize.physical.requestsPerSecond).toFixed(2)} |`,
    );
  }
  lines.push('');
  const seed = largeSize.seed;
  lines.push(`Seeding the large size${largeSize.reused ? ' (in an earlier run; this one reused it)' : ''}: ${n(seed.rowsPerSecond)} rows/s overall, ${(seed.totalMs / 1000).toFixed(0)} s.`);
  lines.push('');
  lines.push('| Step | Rows | Seconds | Rows/s |');
  lines.push('|---|--:|--:|--:|');
  for (const s of seed.steps) lines.push(`| ${s.label} | ${n(s.rows)} | ${(s.ms / 1000).toFixed(1)} | ${n(Math.round(s.rows / Math.max(s.ms / 1000, 0.001)))} |`);
  return lines.join('\n') + '\n';
}

const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

/** Writes `<date>.json` and `<date>.md`; replaces the README's bench section when given its path. */
export async function writeReport(results: BenchResults, dir: string, readme?: string): Promise<{ jsonFile: string; markdownFile: string; markdown: string }> {
  const { bundleSizes } = (await import(pathToFileURL(path.join(repoRoot(), 'tools', 'bundle-sizes.mjs')).href)) as { bundleSizes: () => Bundle[] | null };
  const bundles = bundleSizes();
  await fs.mkdir(dir, { recursive: true });
  const jsonFile = path.join(dir, `${results.date}.json`);
  const markdownFile = path.join(dir, `${results.date}.md`);
  const body = markdown(results, bundles, path.basename(jsonFile));
  await fs.writeFile(jsonFile, JSON.stringify({ ...results, bundles, verdicts: verdicts(results) }, null, 2) + '\n');
  await fs.writeFile(markdownFile, `# Tandem benchmark, ${results.date}\n\n${body}`);
  if (readme) {
    const text = await fs.readFile(readme, 'utf8');
    const start = text.indexOf(README_START);
    const end = text.indexOf(README_END);
    if (start >= 0 && end > start) {
      const link = path.relative(path.dirname(readme), markdownFile).split(path.sep).join('/');
      const section = `${README_START}\nLatest run: [${link}](${link}).\n\n${body.replace(/\]\((\d{4}-\d\d-\d\d\.json)\)/, `](bench/results/$1)`)}${README_END}`;
      await fs.writeFile(readme, text.slice(0, start) + section + text.slice(end + README_END.length));
    }
  }
  return { jsonFile, markdownFile, markdown: body };
}
