import type { Actor } from './access/actor.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
    sessionTimes?: { idleExpiresAt: Date; absoluteExpiresAt: Date };
  }
}
