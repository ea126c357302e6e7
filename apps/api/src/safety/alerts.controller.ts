import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { RecordIdPipe } from '../common/path-params.js';
import { AlertsService } from './alerts.service.js';
import { AcknowledgeAlertDto, ListAlertsQuery } from './dto/safety.dto.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('safety')
@Controller('alerts')
@Allow('clinician')
export class AlertsController {
  constructor(@Inject(AlertsService) private readonly alerts: AlertsService) {}

  @Get()
  @Returns('AlertViewPage')
  list(@CurrentActor() actor: StaffActor, @Query() query: ListAlertsQuery) {
    return this.alerts.list(actor, query);
  }

  @Get('counts')
  @Allow('staff')
  @Returns('AlertCounts')
  counts(@CurrentActor() actor: StaffActor) {
    return this.alerts.counts(actor);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Returns('AlertView')
  acknowledge(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: AcknowledgeAlertDto) {
    return this.alerts.acknowledge(actor, id, dto);
  }
}
