import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../common/app-error.js';
import { SessionService } from '../auth/session.service.js';
import { PortalSessionService } from '../portal/portal-session.service.js';
import { ALLOW_KEY, type Audience } from './allow.decorator.js';

/**
 * Runs before every route. A route with no @Allow is refused outright, so a
 * forgotten declaration fails closed (and the route-declaration test names it).
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
    if (audience === 'portal') {
      const client = await this.portalSessions.authenticate(request);
      if (!client) throw new UnauthenticatedError('Please open the link your clinician sent you again.', 'portal_session_missing');
      request.actor = client;
      return true;
    }
    const actor = await this.sessions.authenticateStaff(request, reply);
    if (!actor) throw new UnauthenticatedError();
    request.actor = actor;
    if (audience === 'admin' && !actor.roles.includes('admin')) throw new ForbiddenError();
    if (audience === 'clinician' && !actor.roles.includes('clinician')) throw new ForbiddenError();
    return true;
  }
}
