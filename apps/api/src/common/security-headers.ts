import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** The client portal's pages (its own entry, `portal.html`) and the link that leads to them. */
export function isPortalPage(url: string): boolean {
  return url === '/portal' || url.startsWith('/portal/') || url.startsWith('/portal?') || url.startsWith('/p/');
}

/**
 * The headers every answer carries for safety: helmet's defaults with a
 * content security policy that allows only Tandem's own origin, nothing from
 * the API cached, and portal pages neither cached nor naming their address
 * to another site.
 */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  // Built once: the headers are the same for every answer (a plugin that rebuilt them per request cost 4 % of a page's CPU).
  const helmetHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  // Helmet throws what goes wrong instead of passing it on (since 8.1), so its callback only says it is done.
  fastify.addHook('onRequest', (request, reply, done) => helmetHeaders(request.raw, reply.raw, () => done()));
  fastify.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api')) reply.header('cache-control', 'no-store');
    // Portal pages: nothing cached, and no address sent on to another site.
    if (isPortalPage(request.url)) reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
  });
}
