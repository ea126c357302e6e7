import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { PortalActor, StaffActor } from '../access/actor.js';
import { AssignMeasureDto, LatestMeasuresQuery, MeasureScoresQuery, MeasureSummaryQuery, PortalMeasuresQuery } from './dto/measure.dto.js';
import { MeasuresService } from './measures.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('measures')
@Controller('measures')
@Allow('clinician')
export class MeasuresController {
  constructor(@Inject(MeasuresService) private readonly measures: MeasuresService) {}

  @Post('assignments')
  @Returns('AssignmentDetail')
  assign(@CurrentActor() actor: StaffActor, @Body() dto: AssignMeasureDto) {
    return this.measures.assign(actor, dto);
  }

  @Get('scores')
  @Returns('MeasureScoreViewPage')
  @Allow('staff')
  scores(@CurrentActor() actor: StaffActor, @Query() query: MeasureScoresQuery) {
    return this.measures.scores(actor, query);
  }

  @Get('summary')
  @Returns('MeasureSummary')
  @Allow('staff')
  summary(@CurrentActor() actor: StaffActor, @Query() query: MeasureSummaryQuery) {
    return this.measures.summary(actor, query);
  }

  @Get('latest')
  @Returns('LatestMeasures')
  latest(@CurrentActor() actor: StaffActor, @Query() query: LatestMeasuresQuery) {
    return this.measures.latest(actor, query);
  }

  @Get('coverage')
  @Returns('MeasureCoverage')
  @Allow('admin')
  coverage(@CurrentActor() actor: StaffActor) {
    return this.measures.coverage(actor);
  }
}

/** The client's own scores, in the portal. */
@ApiTags('portal')
@Controller('portal/measures')
@Allow('portal')
export class PortalMeasuresController {
  constructor(@Inject(MeasuresService) private readonly measures: MeasuresService) {}

  @Get()
  @Returns('PortalMeasureScorePage')
  list(@CurrentActor() actor: PortalActor, @Query() query: PortalMeasuresQuery) {
    return this.measures.portalScores(actor, query);
  }
}
