import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  @Get()
  @Allow('public')
  async check(@Res({ passthrough: true }) reply: FastifyReply) {
    const database = await this.health.databaseUp();
    if (!database) reply.status(503).header('retry-after', '5');
    return { status: database ? 'ok' : 'unavailable', database: database ? 'up' : 'down' };
  }

  /** Liveness: the process answers, whatever the database is doing. No I/O at all. */
  @Get('live')
  @Allow('public')
  live() {
    return { status: 'ok' };
  }
}
