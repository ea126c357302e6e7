import { Readable } from 'node:stream';
import { Controller, Get, Header, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { AuditQuery } from './dto/audit-query.dto.js';
import { AuditLogService, assertRange } from './audit-log.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('audit')
@Controller('audit')
@Allow('admin')
export class AuditController {
  constructor(@Inject(AuditLogService) private readonly log: AuditLogService) {}

  @Get()
  @Returns('AuditEventViewPage')
  page(@CurrentActor() actor: StaffActor, @Query() query: AuditQuery) {
    return this.log.page(actor, query);
  }

  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The filtered audit log as CSV, with names beside ids.', schema: { type: 'string' } })
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="tandem-audit.csv"')
  async export(@CurrentActor() actor: StaffActor, @Query() query: AuditQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply;
    assertRange(query);
    return Readable.from(await this.log.csv(actor, query));
  }

  @Get('verify')
  @Returns('AuditVerification')
  verify(@CurrentActor() actor: StaffActor) {
    return this.log.verify(actor);
  }
}
