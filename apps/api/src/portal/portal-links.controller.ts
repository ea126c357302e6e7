import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { requestBaseUrl } from '../common/base-url.js';
import { RecordIdPipe } from '../common/path-params.js';
import { IssuePortalLinkDto } from './dto/portal.dto.js';
import { PortalLinksService } from './portal-links.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('portal links')
@Controller('clients/:id/portal-link')
@Allow('staff')
export class PortalLinksController {
  constructor(@Inject(PortalLinksService) private readonly links: PortalLinksService) {}

  @Get()
  @Returns('PortalLinkStatus')
  status(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.links.status(actor, id);
  }

  @Post()
  @Allow('clinician')
  @Returns('IssuedPortalLink')
  issue(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: IssuePortalLinkDto, @Req() request: FastifyRequest) {
    return this.links.issue(actor, id, requestBaseUrl(request), dto);
  }

  @Post('copied')
  @Allow('clinician')
  @HttpCode(204)
  copied(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.links.copied(actor, id);
  }

  @Delete()
  @HttpCode(204)
  revoke(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.links.revoke(actor, id);
  }
}
