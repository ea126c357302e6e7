import { Body, Controller, Delete, Get, Inject, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { RecordIdPipe } from '../common/path-params.js';
import { SetCareTeamDto } from '../care-teams/dto/care-team.dto.js';
import { AddMemberDto, CreateCoupleDto, ListCouplesQuery, SetSafetyDto, UpdateCoupleDto } from './dto/couple.dto.js';
import { CouplesService } from './couples.service.js';

@ApiTags('couples')
@Controller('couples')
@Allow('staff')
export class CouplesController {
  constructor(@Inject(CouplesService) private readonly couples: CouplesService) {}

  @Get()
  list(@CurrentActor() actor: StaffActor, @Query() query: ListCouplesQuery) {
    return this.couples.list(actor, query);
  }

  @Post()
  @Allow('admin')
  create(@CurrentActor() actor: StaffActor, @Body() dto: CreateCoupleDto) {
    return this.couples.create(actor, dto);
  }

  @Get(':id')
  get(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.couples.get(actor, id);
  }

  @Patch(':id')
  @Allow('admin')
  update(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: UpdateCoupleDto) {
    return this.couples.update(actor, id, dto);
  }

  @Post(':id/members')
  @Allow('admin')
  addMember(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: AddMemberDto) {
    return this.couples.addMember(actor, id, dto);
  }

  @Delete(':id/members/:clientId')
  @Allow('admin')
  removeMember(
    @CurrentActor() actor: StaffActor,
    @Param('id', RecordIdPipe) id: string,
    @Param('clientId', RecordIdPipe) clientId: string,
  ) {
    return this.couples.removeMember(actor, id, clientId);
  }

  @Put(':id/safety')
  @Allow('clinician')
  setSafety(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: SetSafetyDto) {
    return this.couples.setSafety(actor, id, dto);
  }

  @Put(':id/care-team')
  @Allow('admin')
  setCareTeam(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: SetCareTeamDto) {
    return this.couples.setCareTeam(actor, id, dto);
  }
}
