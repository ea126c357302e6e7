import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '../common/app-error.js';

/** The verified actor of this request, set by the access guard from the session. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  if (!request.actor) throw new UnauthenticatedError();
  return request.actor;
});

/** When this request's staff session times out (idle and absolute), set by the access guard with the actor. */
export const CurrentSessionTimes = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  if (!request.sessionTimes) throw new UnauthenticatedError();
  return request.sessionTimes;
});
