import zlib from 'node:zlib';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { acceptedEncoding, portalHomeHtml, serveDashboardIndex } from '../common/dashboard-fallback.js';
import { NotFoundError } from '../common/app-error.js';
import { originOf } from '../common/cookies.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { PORTAL_COOKIE, PortalSessionService } from './portal-session.service.js';
import { PortalService } from './portal.service.js';
import type { PortalMe } from '@tandem/shared';

/**
 * Answers with the portal home page with `me`'s first screen drawn in; false when there is no built
 * portal to draw it in. Never stored, and compressed per request (it is small and per client).
 */
export async function sendPortalHome(request: FastifyRequest, reply: FastifyReply, dashboardDir: string, me: PortalMe): Promise<boolean> {
  const html = await portalHomeHtml(dashboardDir, me, me);
  if (html === null) return false;
  const body = Buffer.from(html, 'utf8');
  const encoding = acceptedEncoding(request.headers['accept-encoding'], { br: true, gzip: true });
  reply.status(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').header('vary', 'accept-encoding, cookie');
  if (encoding) reply.header('content-encoding', encoding);
  await reply.send(
    encoding === 'br'
      ? zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } })
      : encoding === 'gzip'
        ? zlib.gzipSync(body, { level: 6 })
        : body,
  );
  return true;
}

/**
 * The portal home page (`/portal`, where a portal link leads). For a signed-in client its first
 * screen (header and "Hi <name>") is in the HTML itself, with the client's `me` answer beside it,
 * so a slow phone shows the heading before any script has loaded. Without a session it is the
 * plain portal page, which asks the client to open their link again. Never stored (`no-store`).
 */
@ApiTags('portal')
@Controller('portal')
export class PortalPageController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PortalSessionService) private readonly sessions: PortalSessionService,
    @Inject(PortalService) private readonly portal: PortalService,
  ) {}

  @Get()
  @Allow('public')
  @ApiProduces('text/html')
  @ApiOkResponse({
    description: 'The portal home page (HTML); for a signed-in client, its first screen drawn in.',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  async home(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const actor = await this.sessions.authenticate(request.cookies?.[PORTAL_COOKIE], originOf(request));
    const me = actor ? await this.portal.me(actor) : null;
    if (me && (await sendPortalHome(request, reply, this.config.dashboardDir, me))) return;
    // No session, or no built portal: the plain page (or a 404 without a build).
    if (await serveDashboardIndex(request, reply, this.config.dashboardDir, { anyAccept: true })) return;
    throw new NotFoundError();
  }
}
