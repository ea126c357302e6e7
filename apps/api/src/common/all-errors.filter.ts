import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from './error-body.js';
import { serveDashboardIndex } from './dashboard-fallback.js';

/** Every error leaving a route becomes the one error shape; 500s carry only a request id. */
@Catch()
export class AllErrorsFilter implements ExceptionFilter {
  constructor(private readonly dashboardDir: string) {}

  async catch(error: unknown, host: ArgumentsHost) {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const mapped = mapError(error, request.id);
    if (mapped.body.statusCode === 404 && (await serveDashboardIndex(request, reply, this.dashboardDir))) return;
    // The logger's `err` serializer keeps an error's kind, code and stack frames, never the SQL or its values.
    if (mapped.unexpected) request.log.error({ err: error }, 'unexpected error');
    else if (mapped.body.statusCode === 503) request.log.warn({ err: error }, 'database unavailable');
    else if (mapped.refusedByDatabase) request.log.warn({ err: error, sqlstate: mapped.refusedByDatabase }, 'database refused a value');
    // A route may have set another content type (a CSV export) before failing.
    reply.status(mapped.body.statusCode).headers(mapped.headers).type('application/json; charset=utf-8').send(mapped.body);
  }
}
