import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { RecordIdPipe } from '../common/path-params.js';
import { SetCareTeamDto } from '../care-teams/dto/care-team.dto.js';
import { CreateClientDto, ListClientsQuery, UpdateClientDto } from './dto/client.dto.js';
import { ClientsService } from './clients.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('clients')
@Controller('clients')
@Allow('staff')
export class ClientsController {
  constructor(@Inject(ClientsService) private readonly clients: ClientsService) {}

  @Get()
  @Returns('ClientSummaryPage')
  list(@CurrentActor() actor: StaffActor, @Query() query: ListClientsQuery) {
    return this.clients.list(actor, query);
  }

  @Post()
  @Allow('admin')
  @Returns('ClientDetail')
  create(@CurrentActor() actor: StaffActor, @Body() dto: CreateClientDto) {
    return this.clients.create(actor, dto);
  }

  @Get(':id')
  @Returns('ClientDetail')
  get(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.clients.get(actor, id);
  }

  @Patch(':id')
  @Returns('ClientDetail')
  update(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: UpdateClientDto) {
    return this.clients.update(actor, id, dto);
  }

  @Post(':id/discharge')
  @HttpCode(200)
  @Returns('ClientDetail')
  discharge(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.clients.setStatus(actor, id, 'discharged');
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @Returns('ClientDetail')
  reactivate(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.clients.setStatus(actor, id, 'active');
  }

  @Put(':id/care-team')
  @Allow('admin')
  @Returns('ClientDetail')
  setCareTeam(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: SetCareTeamDto) {
    return this.clients.setCareTeam(actor, id, dto);
  }
}
