import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { RecordIdPipe } from '../common/path-params.js';
import { requestBaseUrl } from '../common/base-url.js';
import { InviteStaffDto, ListStaffQuery, UpdateStaffDto } from './dto/staff.dto.js';
import { StaffService } from './staff.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('staff')
@Controller('staff')
@Allow('admin')
export class StaffController {
  constructor(@Inject(StaffService) private readonly staff: StaffService) {}

  @Get()
  @Returns('StaffMemberPage')
  list(@CurrentActor() actor: StaffActor, @Query() query: ListStaffQuery) {
    return this.staff.list(actor, query);
  }

  @Get(':id')
  @Returns('StaffMember')
  get(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.staff.get(actor, id);
  }

  @Post()
  @Returns('InviteResponse')
  invite(@CurrentActor() actor: StaffActor, @Body() dto: InviteStaffDto, @Req() req: FastifyRequest) {
    return this.staff.invite(actor, dto, requestBaseUrl(req));
  }

  @Post(':id/invite')
  @HttpCode(200)
  @Returns('InviteResponse')
  reissueInvite(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Req() req: FastifyRequest) {
    return this.staff.reissueInvite(actor, id, requestBaseUrl(req));
  }

  @Patch(':id')
  @Returns('StaffMember')
  update(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: UpdateStaffDto) {
    return this.staff.update(actor, id, dto);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @Returns('StaffMember')
  deactivate(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.staff.deactivate(actor, id);
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @Returns('StaffMember')
  reactivate(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.staff.reactivate(actor, id);
  }
}
