import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BUILT_IN_EXERCISES } from '@tandem/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newClient, newClinician, newPortalLink, newPractice } from '../support/factories.js';

/**
 * The built dashboard and portal as a phone gets them (after `npm run build`): brotli or gzip
 * copies made at build time, chosen by Accept-Encoding with `Vary`; hashed files kept a year as
 * immutable, so a return visit asks for none of them; HTML never stored; and the portal's first
 * load carries nothing of the staff dashboard or the exercise library.
 */
interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request with exactly these headers; the body as sent on the wire (not decompressed). */
function get(base: string, pathname: string, headers: Record<string, string>): Promise<Raw> {
  const url = new URL(pathname, base);
  return new Promise((resolve, reject) => {
    http
      .get({ host: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

function decoded(r: Raw): Buffer {
  const encoding = r.headers['content-encoding'];
  if (encoding === 'br') return zlib.brotliDecompressSync(r.body);
  if (encoding === 'gzip') return zlib.gunzipSync(r.body);
  return r.body;
}

function varyNames(r: Raw): string[] {
  return String(r.headers.vary ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase());
}

const BROWSER = 'gzip, deflate, br, zstd';
const IMMUTABLE = 'public, max-age=31536000, immutable';

let t: TestApp;
let base: string;
let dist: string;

/** The files a page loads before it can draw: its scripts, module preloads and style sheets. */
function firstLoad(html: string): string[] {
  const text = fs.readFileSync(path.join(dist, html), 'utf8');
  return [...text.matchAll(/<(?:script|link)[^>]*(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  t = await startTestApp();
  base = await t.listen();
  dist = t.config.dashboardDir;
  if (!fs.existsSync(path.join(dist, 'portal.html'))) throw new Error(`No built dashboard in ${dist}: run \`npm run build\` first.`);
});
afterAll(async () => {
  await t?.close();
});

describe('built assets', () => {
  it('every hashed file is sent as brotli to a browser, gzip to a client without brotli, and as is otherwise; all kept a year as immutable', async () => {
    const files = [...new Set([...firstLoad('portal.html'), ...firstLoad('index.html')])];
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const onDisk = fs.readFileSync(path.join(dist, file));
      const br = await get(base, file, { 'accept-encoding': BROWSER });
      expect([file, br.status, br.headers['content-encoding']]).toEqual([file, 200, 'br']);
      expect(br.body.length).toBeLessThan(onDisk.length);
      expect(decoded(br).equals(onDisk)).toBe(true);
      expect(br.headers['cache-control']).toBe(IMMUTABLE);
      expect(varyNames(br)).toContain('accept-encoding');
      expect(br.headers['content-type']).toMatch(file.endsWith('.css') ? /^text\/css/ : /javascript/);

      const gz = await get(base, file, { 'accept-encoding': 'gzip' });
      expect([file, gz.headers['content-encoding']]).toEqual([file, 'gzip']);
      expect(decoded(gz).equals(onDisk)).toBe(true);
      expect(gz.headers['cache-control']).toBe(IMMUTABLE);

      const plain = await get(base, file, {});
      expect([file, plain.headers['content-encoding']]).toEqual([file, undefined]);
      expect(plain.body.equals(onDisk)).toBe(true);
      expect(varyNames(plain)).toContain('accept-encoding');
      expect(plain.headers['cache-control']).toBe(IMMUTABLE);
    }
  });

  it('a client that refuses brotli (q=0) gets gzip', async () => {
    const [file] = firstLoad('portal.html');
    const r = await get(base, file!, { 'accept-encoding': 'gzip, br;q=0' });
    expect(r.headers['content-encoding']).toBe('gzip');
  });

  it('portal and dashboard pages are compressed, vary by encoding and are never stored', async () => {
    for (const [url, html] of [
      ['/portal', 'portal.html'],
      ['/portal/exercise/00000000-0000-4000-8000-000000000000/1', 'portal.html'],
      ['/caseload', 'index.html'],
      ['/', 'index.html'],
    ] as const) {
      const onDisk = fs.readFileSync(path.join(dist, html));
      const r = await get(base, url, { accept: 'text/html', 'accept-encoding': BROWSER });
      expect([url, r.status, r.headers['content-encoding'], r.headers['cache-control']]).toEqual([url, 200, 'br', 'no-store']);
      expect(varyNames(r)).toContain('accept-encoding');
      expect(decoded(r).equals(onDisk)).toBe(true);
      const plain = await get(base, url, { accept: 'text/html' });
      expect([url, plain.headers['content-encoding'], plain.headers['cache-control']]).toEqual([url, undefined, 'no-store']);
      expect(plain.body.equals(onDisk)).toBe(true);
    }
    // The HTML files reached by name are not stored either.
    const direct = await get(base, '/portal.html', { 'accept-encoding': BROWSER });
    expect([direct.status, direct.headers['cache-control'], direct.headers['content-encoding']]).toEqual([200, 'no-store', 'br']);
  });

  it("a signed-in client's portal home arrives with its heading drawn in and the client's `me` beside it, never stored", async () => {
    const practice = await newPractice(t.db, 'Riverside & <Partners> $&');
    const clinician = await newClinician(t.db, practice);
    const client = await newClient(t.db, practice, { name: '<i>Ana</i> Lopez', clinicians: [clinician] });
    const opened = await get(base, `/p/${await newPortalLink(t.db, client, clinician)}`, {});
    expect(opened.status).toBe(200);
    const cookie = (opened.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    const me = JSON.parse((await get(base, '/api/portal/me', { cookie })).body.toString('utf8')) as unknown;
    const page = await get(base, '/portal', { accept: 'text/html', 'accept-encoding': BROWSER, cookie });
    expect([page.status, page.headers['content-encoding'], page.headers['cache-control']]).toEqual([200, 'br', 'no-store']);
    expect(varyNames(page)).toEqual(expect.arrayContaining(['accept-encoding', 'cookie']));
    const html = decoded(page).toString('utf8');
    expect(html).toContain('<h1 tabindex="-1" class="page-heading">Hi &#60;i&#62;Ana&#60;/i&#62;</h1>');
    expect(html).toContain('<span class="muted">Riverside &#38; &#60;Partners&#62; $&#38;</span>');
    expect(html).not.toContain('<i>Ana</i>');
    const data = /<script type="application\/json" id="portal-me">([^<]*)<\/script>/.exec(html);
    expect(JSON.parse(data![1]!)).toEqual(me);
    // The answer is in the page: the page does not also preload it.
    expect(html).not.toContain('rel="preload" href="/api/portal/me"');
    // The scripts are the build's, as in portal.html; its style sheets are written into the page.
    for (const file of firstLoad('portal.html')) {
      if (file.endsWith('.css')) expect(html).toContain(fs.readFileSync(path.join(dist, file), 'utf8').trim().slice(0, 200));
      else expect(html).toContain(file);
    }
    expect(html).not.toMatch(/<link rel="stylesheet"/);

    // Without a session, the plain page: nothing about anyone.
    const anonymous = await get(base, '/portal', { accept: 'text/html', 'accept-encoding': BROWSER });
    expect(anonymous.status).toBe(200);
    expect(decoded(anonymous).equals(fs.readFileSync(path.join(dist, 'portal.html')))).toBe(true);
  });

  it('a file whose name does not change between builds (the icon) is kept a day, not a year', async () => {
    const r = await get(base, '/favicon.svg', { 'accept-encoding': BROWSER });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('public, max-age=86400');
  });

  it("the portal's first load has no staff dashboard code and no exercise library, and is under 90 KB as sent", async () => {
    const portal = firstLoad('portal.html');
    const dashboardEntry = firstLoad('index.html').find((f) => /\/dashboard-[^/]+\.js$/.test(f));
    expect(dashboardEntry).toBeDefined();
    expect(portal).not.toContain(dashboardEntry);
    let sent = 0;
    for (const file of portal) {
      const body = fs.readFileSync(path.join(dist, file), 'utf8');
      // A chunk imported by the dashboard entry only (react-router and the staff pages) never reaches a phone.
      expect([file, body.includes(path.basename(dashboardEntry!))]).toEqual([file, false]);
      for (const exercise of BUILT_IN_EXERCISES.slice(0, 5)) expect([file, body.includes(exercise.title)]).toEqual([file, false]);
      sent += (await get(base, file, { 'accept-encoding': BROWSER })).body.length;
    }
    expect(sent).toBeLessThan(90 * 1024);
  });
});
