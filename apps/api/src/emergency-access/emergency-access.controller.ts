import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { PageQuery } from '../common/page-query.js';
import { RecordIdPipe } from '../common/path-params.js';
import { EmergencyCandidatesQuery, OpenEmergencyAccessDto } from './dto/emergency-access.dto.js';
import { EmergencyAccessService } from './emergency-access.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('emergency access')
@Controller('emergency-access')
export class EmergencyAccessController {
  constructor(@Inject(EmergencyAccessService) private readonly emergency: EmergencyAccessService) {}

  @Get()
  @Allow('clinician')
  @Returns('EmergencyAccessGrantPage')
  listOwn(@CurrentActor() actor: StaffActor, @Query() query: PageQuery) {
    return this.emergency.listOwn(actor, query);
  }

  @Get('clients')
  @Allow('clinician')
  @Returns('EmergencyCandidatePage')
  candidates(@CurrentActor() actor: StaffActor, @Query() query: EmergencyCandidatesQuery) {
    return this.emergency.candidates(actor, query);
  }

  @Post()
  @Allow('clinician')
  @Returns('EmergencyAccessGrant')
  open(@CurrentActor() actor: StaffActor, @Body() dto: OpenEmergencyAccessDto) {
    return this.emergency.open(actor, dto);
  }

  /** Notices to the care team and admins that a record was opened in an emergency. */
  @Get('notices')
  @Allow('staff')
  @Returns('EmergencyAccessNoticePage')
  notices(@CurrentActor() actor: StaffActor, @Query() query: PageQuery) {
    return this.emergency.notices(actor, query);
  }

  @Post('notices/:id/seen')
  @HttpCode(204)
  @Allow('staff')
  markNoticeSeen(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.emergency.markNoticeSeen(actor, id);
  }

  @Get(':id/record')
  @Allow('clinician')
  @Returns('EmergencyRecord')
  record(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.emergency.record(actor, id);
  }

  @Get(':id/notes')
  @Allow('clinician')
  @Returns('EmergencyNotePage')
  notes(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Query() query: PageQuery) {
    return this.emergency.notes(actor, id, query);
  }

  @Post(':id/end')
  @HttpCode(200)
  @Allow('clinician')
  @Returns('EmergencyAccessGrant')
  end(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.emergency.end(actor, id);
  }
}
