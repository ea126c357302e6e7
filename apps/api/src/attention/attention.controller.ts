import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { PageQuery } from '../common/page-query.js';
import { RecordIdPipe } from '../common/path-params.js';
import { AttentionService } from './attention.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('attention')
@Controller()
export class AttentionController {
  constructor(@Inject(AttentionService) private readonly attention: AttentionService) {}

  @Get('attention')
  @Allow('staff')
  @Returns('AttentionItemPage')
  list(@CurrentActor() actor: StaffActor, @Query() query: PageQuery) {
    return this.attention.list(actor, query);
  }

  @Get('attention/count')
  @Allow('staff')
  @Returns('AttentionCount')
  count(@CurrentActor() actor: StaffActor) {
    return this.attention.count(actor);
  }

  @Post('responses/:id/review')
  @Allow('clinician')
  @HttpCode(200)
  @Returns('ResponseReview')
  markReviewed(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.attention.markReviewed(actor, id);
  }
}
