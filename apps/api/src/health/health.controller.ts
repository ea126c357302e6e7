import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { HealthService } from './health.service.js';
import type { HealthStatus, Liveness } from '@tandem/shared';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  @Get()
  @Allow('public')
  @Returns('HealthStatus')
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthStatus> {
    const database = await this.health.databaseUp();
    if (!database) reply.status(503).header('retry-after', '5');
    return { status: database ? 'ok' : 'unavailable', database: database ? 'up' : 'down' };
  }

  /** Liveness: the process answers, whatever the database is doing. No I/O at all. */
  @Get('live')
  @Allow('public')
  @Returns('Liveness')
  live(): Liveness {
    return { status: 'ok' };
  }
}
