import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { RecordIdPipe } from '../common/path-params.js';
import { AssignmentsService } from './assignments.service.js';
import { BringQuery, CancelAssignmentDto, CreateAssignmentDto, ListAssignmentsQuery, RescheduleAssignmentDto, SubjectQuery } from './dto/assignment.dto.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('homework')
@Controller('assignments')
@Allow('clinician')
export class AssignmentsController {
  constructor(@Inject(AssignmentsService) private readonly assignments: AssignmentsService) {}

  @Get()
  @Allow('staff')
  @Returns('AssignmentSummaryPage')
  list(@CurrentActor() actor: StaffActor, @Query() query: ListAssignmentsQuery) {
    return this.assignments.list(actor, query);
  }

  @Post()
  @Returns('AssignmentDetail')
  create(@CurrentActor() actor: StaffActor, @Body() dto: CreateAssignmentDto) {
    return this.assignments.create(actor, dto);
  }

  @Get('trends')
  @Allow('staff')
  @Returns('Trends')
  trends(@CurrentActor() actor: StaffActor, @Query() query: SubjectQuery) {
    return this.assignments.trends(actor, query);
  }

  @Get('to-bring')
  @Allow('staff')
  @Returns('BroughtToSession')
  toBring(@CurrentActor() actor: StaffActor, @Query() query: BringQuery) {
    return this.assignments.toBring(actor, query);
  }

  @Get(':id')
  @Allow('staff')
  @Returns('AssignmentDetail')
  get(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.assignments.get(actor, id);
  }

  @Patch(':id')
  @Returns('AssignmentDetail')
  reschedule(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: RescheduleAssignmentDto) {
    return this.assignments.reschedule(actor, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Returns('AssignmentDetail')
  cancel(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: CancelAssignmentDto) {
    return this.assignments.cancel(actor, id, dto.version);
  }
}
