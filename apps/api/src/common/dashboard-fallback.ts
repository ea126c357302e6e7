import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isPortalPage } from './security-headers.js';

/** A page's HTML and the compressed copies the build wrote beside it. */
interface PageFiles {
  identity: Buffer;
  br: Buffer | null;
  gzip: Buffer | null;
}

const cached = new Map<string, PageFiles | null>();

async function pageFiles(dir: string, file: string): Promise<PageFiles | null> {
  const key = path.join(dir, file);
  if (!cached.has(key)) {
    const read = (name: string) => fs.readFile(name).catch(() => null);
    const [identity, br, gzip] = await Promise.all([read(key), read(`${key}.br`), read(`${key}.gz`)]);
    cached.set(key, identity && { identity, br, gzip });
  }
  return cached.get(key)!;
}

/** `br` or `gzip` when the request accepts it (and not with q=0), else null. */
export function acceptedEncoding(header: string | string[] | undefined, offered: { br: boolean; gzip: boolean }): 'br' | 'gzip' | null {
  const accepted = new Set<string>();
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const refused = params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    if (name && !refused) accepted.add(name);
  }
  if (offered.br && accepted.has('br')) return 'br';
  if (offered.gzip && accepted.has('gzip')) return 'gzip';
  return null;
}

/**
 * How long a browser may keep a built file (path relative to the build folder). Files under `assets/` carry a hash of their content in
 * their name, so a new build never reuses a name: a year, immutable (no revalidation on return
 * visits). HTML names those files and is never stored, so a new build is picked up at once. Other
 * files (the icon) keep their name across builds: a day.
 */
export function assetCacheControl(relativePath: string): string {
  const file = relativePath.replace(/\.(br|gz)$/, '');
  if (file.endsWith('.html')) return 'no-store';
  if (/^assets[\\/]/.test(file)) return 'public, max-age=31536000, immutable';
  return 'public, max-age=86400';
}

/**
 * The dashboard is a single-page app: a browser GET for a page that is not a
 * file or an API route gets index.html (portal pages get portal.html, the
 * portal's own small bundle), and the app's router takes over.
 */
export async function serveDashboardIndex(request: FastifyRequest, reply: FastifyReply, dir: string, options: { anyAccept?: boolean } = {}): Promise<boolean> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const url = request.url;
  if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) return false;
  if (!options.anyAccept && !(request.headers.accept ?? '').includes('text/html')) return false;
  const portal = isPortalPage(url);
  const page = await pageFiles(dir, portal ? 'portal.html' : 'index.html');
  if (page === null) return false;
  const encoding = acceptedEncoding(request.headers['accept-encoding'], { br: page.br !== null, gzip: page.gzip !== null });
  reply
    .status(200)
    .header('content-type', 'text/html; charset=utf-8')
    // The page names the current build's files: never stored, so a new build reaches everyone at once.
    .header('cache-control', 'no-store')
    .header('vary', 'accept-encoding');
  if (encoding) reply.header('content-encoding', encoding);
  reply.send(encoding === 'br' ? page.br : encoding === 'gzip' ? page.gzip : page.identity);
  return true;
}

/** Text for HTML content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What the portal home draws before its scripts run: the signed-in client's first name and practice. */
export interface PortalGreeting {
  firstName: string;
  practiceName: string;
}

/**
 * portal.html for a signed-in client's portal home, with its first screen drawn in: the same
 * header and heading PortalApp.tsx renders (React replaces them with identical markup once it
 * runs), and the client's `/api/portal/me` answer as a JSON data block, so the app neither waits
 * for nor asks again for it. The page's preload of `/api/portal/me` is dropped (the answer is here),
 * and its style sheets are written into the page.
 * A slow phone shows the heading as soon as the HTML and its style sheet arrive.
 */
export async function portalHomeHtml(dir: string, greeting: PortalGreeting, me: unknown): Promise<string | null> {
  const page = await pageFiles(dir, 'portal.html');
  if (page === null) return null;
  const screen =
    `<main class="portal" id="main"><header class="portal__top"><p class="brand">Tandem</p>` +
    `<span class="muted">${escapeHtml(greeting.practiceName)}</span>` +
    `<button type="button" class="button button--quiet">Sign out</button></header>` +
    `<h1 tabindex="-1" class="page-heading">Hi ${escapeHtml(greeting.firstName)}</h1>` +
    `<p class="lead">Here are the exercises your clinician has given you. Your answers are saved as you type.</p>` +
    `<p role="status">Loading your exercises…</p></main>`;
  // `<` is written as \u003c so no text in the data can close the script element.
  const data = JSON.stringify(me).replace(/</g, '\\u003c');
  let html = page.identity.toString('utf8');
  // The style sheets come inside the page (a few KB): nothing blocks the first paint but the page itself.
  for (const [link, file] of [...html.matchAll(/<link rel="stylesheet"[^>]*href="\/(assets\/[^"]+\.css)"[^>]*>/g)].map((m) => [m[0], m[1]!] as const)) {
    const css = await pageFiles(dir, file);
    if (css) html = html.replace(link, () => `<style>${css.identity.toString('utf8').replace(/<\//g, '<\\/')}</style>`);
  }
  return html
    .replace(/[ \t]*<!--[^>]*-->\s*<link rel="preload" href="\/api\/portal\/me"[^>]*>\s*/, '')
    .replace(/[ \t]*<link rel="preload" href="\/api\/portal\/me"[^>]*>\s*/, '')
    .replace('<div id="root"></div>', () => `<div id="root">${screen}</div>\n    <script type="application/json" id="portal-me">${data}</script>`);
}
