import { Body, Controller, Delete, Get, Inject, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { RecordIdPipe } from '../common/path-params.js';
import { SetCareTeamDto } from '../care-teams/dto/care-team.dto.js';
import { AddMemberDto, CreateCoupleDto, ListCouplesQuery, SetSafetyDto, UpdateCoupleDto } from './dto/couple.dto.js';
import { CouplesService } from './couples.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('couples')
@Controller('couples')
@Allow('staff')
export class CouplesController {
  constructor(@Inject(CouplesService) private readonly couples: CouplesService) {}

  @Get()
  @Returns('CoupleSummaryPage')
  list(@CurrentActor() actor: StaffActor, @Query() query: ListCouplesQuery) {
    return this.couples.list(actor, query);
  }

  @Post()
  @Allow('admin')
  @Returns('CoupleDetail')
  create(@CurrentActor() actor: StaffActor, @Body() dto: CreateCoupleDto) {
    return this.couples.create(actor, dto);
  }

  @Get(':id')
  @Returns('CoupleDetail')
  get(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.couples.get(actor, id);
  }

  @Patch(':id')
  @Allow('admin')
  @Returns('CoupleDetail')
  update(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: UpdateCoupleDto) {
    return this.couples.update(actor, id, dto);
  }

  @Post(':id/members')
  @Allow('admin')
  @Returns('CoupleDetail')
  addMember(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: AddMemberDto) {
    return this.couples.addMember(actor, id, dto);
  }

  @Delete(':id/members/:clientId')
  @Allow('admin')
  @Returns('CoupleDetail')
  removeMember(
    @CurrentActor() actor: StaffActor,
    @Param('id', RecordIdPipe) id: string,
    @Param('clientId', RecordIdPipe) clientId: string,
  ) {
    return this.couples.removeMember(actor, id, clientId);
  }

  @Put(':id/safety')
  @Allow('clinician')
  @Returns('CoupleDetail')
  setSafety(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: SetSafetyDto) {
    return this.couples.setSafety(actor, id, dto);
  }

  @Put(':id/care-team')
  @Allow('admin')
  @Returns('CoupleDetail')
  setCareTeam(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: SetCareTeamDto) {
    return this.couples.setCareTeam(actor, id, dto);
  }
}
