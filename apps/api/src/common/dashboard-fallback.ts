import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

let cachedIndex: { dir: string; html: string | null } | undefined;

async function indexHtml(dir: string): Promise<string | null> {
  if (cachedIndex?.dir !== dir) {
    const html = await fs.readFile(path.join(dir, 'index.html'), 'utf8').catch(() => null);
    cachedIndex = { dir, html };
  }
  return cachedIndex.html;
}

/**
 * The dashboard is a single-page app: a browser GET for a page that is not a
 * file or an API route gets index.html, and the app's router takes over.
 */
export async function serveDashboardIndex(request: FastifyRequest, reply: FastifyReply, dir: string): Promise<boolean> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const url = request.url;
  if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) return false;
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
  const html = await indexHtml(dir);
  if (html === null) return false;
  reply
    .status(200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-cache')
    .send(html);
  return true;
}
