import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isPortalPage } from './security-headers.js';

const cached = new Map<string, string | null>();

async function pageHtml(dir: string, file: string): Promise<string | null> {
  const key = path.join(dir, file);
  if (!cached.has(key)) cached.set(key, await fs.readFile(key, 'utf8').catch(() => null));
  return cached.get(key)!;
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
  const html = await pageHtml(dir, portal ? 'portal.html' : 'index.html');
  if (html === null) return false;
  reply
    .status(200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', portal ? 'no-store' : 'no-cache')
    .send(html);
  return true;
}
