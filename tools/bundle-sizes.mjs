#!/usr/bin/env node
// First-load JavaScript of the dashboard and of the client portal, gzip, from the built dashboard
// (run `npm run build` first). First load: the entry script and every module it preloads;
// pages loaded later (lazy routes, the charts) are not counted. `npm run bench` reports it too.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../apps/dashboard/dist');
const TARGETS = { 'index.html': ['dashboard', 300], 'portal.html': ['portal', 120] };

function firstLoad(html) {
  const text = fs.readFileSync(path.join(dist, html), 'utf8');
  const files = [...text.matchAll(/<script[^>]*src="([^"]+\.js)"|<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)].map((m) => m[1] ?? m[2]);
  const sizes = files.map((f) => {
    const body = fs.readFileSync(path.join(dist, f.replace(/^\//, '')));
    return { file: f, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length };
  });
  return { files: sizes, raw: sizes.reduce((a, s) => a + s.raw, 0), gzip: sizes.reduce((a, s) => a + s.gzip, 0) };
}

/** Each bundle's first-load size against its target, or null when the dashboard is not built. */
export function bundleSizes() {
  if (!fs.existsSync(path.join(dist, 'index.html'))) return null;
  return Object.entries(TARGETS).map(([html, [name, targetKb]]) => {
    const { files, raw, gzip } = firstLoad(html);
    return { name, targetKb, rawKb: Math.round(raw / 102.4) / 10, gzipKb: Math.round(gzip / 102.4) / 10, met: gzip / 1024 < targetKb, files };
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = bundleSizes();
  if (!results) {
    console.error('No built dashboard: run `npm run build` first.');
    process.exit(1);
  }
  console.log('| bundle | first-load JS (raw) | first-load JS (gzip) | target (gzip) | met |');
  console.log('|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.name} | ${r.rawKb} KB | ${r.gzipKb} KB | < ${r.targetKb} KB | ${r.met ? 'yes' : 'no'} |`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
}
