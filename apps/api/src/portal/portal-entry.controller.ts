import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { AppError } from '../common/app-error.js';
import { originOf, replyWith } from '../common/cookies.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { sendPortalHome } from './portal-page.controller.js';
import { PortalSessionService } from './portal-session.service.js';
import { PortalService } from './portal.service.js';

const BUSY_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Please wait a moment</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Please wait a moment</h1><p>There have been too many attempts to open a link from here. Please wait a few minutes, then open your link again.</p>
</body></html>`;

/**
 * The link a client receives: `/p/<token>`. It is exchanged for a portal
 * session cookie, and the answer is the portal home itself with the client's
 * first screen drawn in: a link tapped in a webmail is a navigation from
 * another site, on which the SameSite=Strict cookie would not ride to a
 * redirected `/portal`, so the page would wait for its script. The portal's
 * script then puts `/portal` in the address bar and the history in place of
 * the link (the page sends no Referer). Without a built portal it redirects
 * to `/portal`. A link that no longer works leads to a page that says so and
 * shows nothing about anyone.
 */
@ApiTags('portal')
@Controller('p')
export class PortalEntryController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PortalSessionService) private readonly sessions: PortalSessionService,
    @Inject(PortalService) private readonly portal: PortalService,
  ) {}

  @Get(':token')
  @ApiResponse({ status: 200, description: 'The portal home, first screen drawn in, with a session cookie.', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 303, description: 'To the page that says the link no longer works (or to the portal, without a built one).' })
  @ApiResponse({ status: 429, description: 'Too many attempts from this address: a page that says to wait.', content: { 'text/html': { schema: { type: 'string' } } } })
  @Allow('public')
  async open(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    try {
      const result = await replyWith(request, reply, this.sessions.exchange(token, originOf(request)));
      if (!result.ok) return reply.redirect('/portal/link-expired', 303);
      if (await sendPortalHome(request, reply, this.config.dashboardDir, await this.portal.me(result.actor))) return;
      return reply.redirect('/portal', 303);
    } catch (error) {
      if (error instanceof AppError && error.status === 429) {
        return reply.status(429).headers(error.headers ?? {}).header('content-type', 'text/html; charset=utf-8').send(BUSY_PAGE);
      }
      throw error;
    }
  }
}
