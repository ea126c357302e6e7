import fastifyHelmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

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
export async function registerSecurityHeaders(app: NestFastifyApplication, fastify: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet as never, {
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
  fastify.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api')) reply.header('cache-control', 'no-store');
    // Portal pages: nothing cached, and no address sent on to another site.
    if (isPortalPage(request.url)) reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
  });
}
