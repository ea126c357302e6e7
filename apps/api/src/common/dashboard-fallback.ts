import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

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

/** The client portal's pages (its own entry, `portal.html`) and the link that leads to them. */
export function isPortalPage(url: string): boolean {
  return url === '/portal' || url.startsWith('/portal/') || url.startsWith('/portal?') || url.startsWith('/p/');
}

/**
 * The dashboard is a single-page app: a browser GET for a page that is not a
 * file or an API route gets index.html (portal pages get portal.html, the
 * portal's own small bundle), and the app's router takes over.
 */
export async function serveDashboardIndex(request: FastifyRequest, reply: FastifyReply, dir: string): Promise<boolean> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const url = request.url;
  if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) return false;
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
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
