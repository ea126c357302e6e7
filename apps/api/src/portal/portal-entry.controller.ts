import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { AppError } from '../common/app-error.js';
import { originOf, replyWith } from '../common/cookies.js';
import { PortalSessionService } from './portal-session.service.js';

const BUSY_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Please wait a moment</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Please wait a moment</h1><p>There have been too many attempts to open a link from here. Please wait a few minutes, then open your link again.</p>
</body></html>`;

/**
 * The link a client receives: `/p/<token>`. It is exchanged for a portal
 * session cookie and the browser is sent on to `/portal`, so the token does
 * not stay in the address bar, the history or a Referer. A link that no
 * longer works leads to a page that says so and shows nothing about anyone.
 */
@ApiTags('portal')
@Controller('p')
export class PortalEntryController {
  constructor(@Inject(PortalSessionService) private readonly sessions: PortalSessionService) {}

  @Get(':token')
  @ApiResponse({ status: 303, description: 'To the portal with a session cookie, or to the page that says the link no longer works.' })
  @ApiResponse({ status: 429, description: 'Too many attempts from this address: a page that says to wait.', content: { 'text/html': { schema: { type: 'string' } } } })
  @Allow('public')
  async open(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    try {
      const result = await replyWith(request, reply, this.sessions.exchange(token, originOf(request)));
      return reply.redirect(result.ok ? '/portal' : '/portal/link-expired', 303);
    } catch (error) {
      if (error instanceof AppError && error.status === 429) {
        return reply.status(429).headers(error.headers ?? {}).header('content-type', 'text/html; charset=utf-8').send(BUSY_PAGE);
      }
      throw error;
    }
  }
}
