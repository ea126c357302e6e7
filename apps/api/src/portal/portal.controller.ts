import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { PortalActor } from '../access/actor.js';
import { replyWith } from '../common/cookies.js';
import { RecordIdPipe, SequenceParamPipe } from '../common/path-params.js';
import { PortalHistoryQuery, SaveDraftDto, SubmitResponseDto } from './dto/portal.dto.js';
import { PORTAL_COOKIE, PortalSessionService } from './portal-session.service.js';
import { PortalService } from './portal.service.js';
import { Returns } from '../openapi/returns.decorator.js';

/** What a client reaches through their portal session: their own homework only. */
@ApiTags('portal')
@Controller('portal')
@Allow('portal')
export class PortalController {
  constructor(
    @Inject(PortalService) private readonly portal: PortalService,
    @Inject(PortalSessionService) private readonly sessions: PortalSessionService,
  ) {}

  @Get('me')
  @Returns('PortalMe')
  me(@CurrentActor() actor: PortalActor) {
    return this.portal.me(actor);
  }

  @Get('home')
  @Returns('PortalHome')
  home(@CurrentActor() actor: PortalActor) {
    return this.portal.home(actor);
  }

  @Get('history')
  @Returns('PortalItemPage')
  history(@CurrentActor() actor: PortalActor, @Query() query: PortalHistoryQuery) {
    return this.portal.history(actor, query);
  }

  @Get('assignments/:assignmentId/occurrences/:seq')
  @Returns('PortalOccurrence')
  occurrence(@CurrentActor() actor: PortalActor, @Param('assignmentId', RecordIdPipe) assignmentId: string, @Param('seq', SequenceParamPipe) seq: number) {
    return this.portal.occurrence(actor, assignmentId, seq);
  }

  @Put('assignments/:assignmentId/occurrences/:seq/draft')
  @Returns('SavedResponse')
  saveDraft(
    @CurrentActor() actor: PortalActor,
    @Param('assignmentId', RecordIdPipe) assignmentId: string,
    @Param('seq', SequenceParamPipe) seq: number,
    @Body() dto: SaveDraftDto,
  ) {
    return this.portal.saveDraft(actor, assignmentId, seq, dto);
  }

  @Post('assignments/:assignmentId/occurrences/:seq/submit')
  @HttpCode(200)
  @Returns('SavedResponse')
  submit(
    @CurrentActor() actor: PortalActor,
    @Param('assignmentId', RecordIdPipe) assignmentId: string,
    @Param('seq', SequenceParamPipe) seq: number,
    @Body() dto: SubmitResponseDto,
  ) {
    return this.portal.submit(actor, assignmentId, seq, dto);
  }

  @Post('sign-out')
  @HttpCode(204)
  @Allow('public')
  signOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return replyWith(request, reply, this.sessions.signOut(request.cookies?.[PORTAL_COOKIE]));
  }
}
