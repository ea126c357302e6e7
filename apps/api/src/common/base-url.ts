import type { FastifyRequest } from 'fastify';

/** The origin the caller reached Tandem at, for links Tandem hands back. */
export function requestBaseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
