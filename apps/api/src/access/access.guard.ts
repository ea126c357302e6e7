import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../common/app-error.js';
import { applyCookies } from '../common/cookies.js';
import { SESSION_COOKIE, SESSION_COOKIE_ENDED, SessionService } from '../auth/session.service.js';
import { PORTAL_COOKIE, PortalSessionService } from '../portal/portal-session.service.js';
import { ALLOW_KEY, type Audience } from './allow.decorator.js';

/**
 * Runs before every route. A route with no @Allow is refused outright, so a
 * forgotten declaration fails closed (and the route-declaration test names it).
 * It is where a request's session becomes its actor: it reads the cookie,
 * asks the session services, ends a cookie that names no session, and puts
 * the actor (and a staff session's times) on the request for the route.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(PortalSessionService) private readonly portalSessions: PortalSessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const audience = this.reflector.getAllAndOverride<Audience | undefined>(ALLOW_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!audience) throw new ForbiddenError('This route declares no audience.');
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();

    if (audience === 'public') return true;
    const origin = { requestId: request.id, ip: request.ip };
    if (audience === 'portal') {
      const client = await this.portalSessions.authenticate(request.cookies?.[PORTAL_COOKIE], origin);
      if (!client) throw new UnauthenticatedError('Please open the link your clinician sent you again.', 'portal_session_missing');
      request.actor = client;
      return true;
    }
    const session = await this.sessions.authenticateStaff(request.cookies?.[SESSION_COOKIE], origin);
    if (session.kind === 'unknown' || session.kind === 'ended') applyCookies(request, reply, [SESSION_COOKIE_ENDED]);
    if (session.kind === 'ended') throw new UnauthenticatedError('Your session has ended. Please sign in again.', 'session_expired');
    if (session.kind !== 'open') throw new UnauthenticatedError();
    const { actor } = session;
    request.actor = actor;
    request.sessionTimes = session.times;
    if (audience === 'admin' && !actor.roles.includes('admin')) throw new ForbiddenError();
    if (audience === 'clinician' && !actor.roles.includes('clinician')) throw new ForbiddenError();
    return true;
  }
}
