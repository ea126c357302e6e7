import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { PageQuery } from '../common/page-query.js';
import { RecordIdPipe } from '../common/path-params.js';
import { PracticeSecurityDto, TwoFactorCodeDto } from './dto/two-factor.dto.js';
import { StaffSessionsService } from './staff-sessions.service.js';
import { TwoFactorSettingsService } from './two-factor-settings.service.js';
import { Returns } from '../openapi/returns.decorator.js';

/** One's own account: two-factor sign-in and open sessions. */
@ApiTags('account')
@Controller('account')
@Allow('staff')
export class AccountController {
  constructor(
    @Inject(TwoFactorSettingsService) private readonly twoFactor: TwoFactorSettingsService,
    @Inject(StaffSessionsService) private readonly sessions: StaffSessionsService,
  ) {}

  @Get('two-factor')
  @Returns('TwoFactorStatus')
  twoFactorStatus(@CurrentActor() actor: StaffActor) {
    return this.twoFactor.status(actor);
  }

  @Post('two-factor/enrolment')
  @HttpCode(200)
  @Returns('TwoFactorEnrolment')
  startEnrolment(@CurrentActor() actor: StaffActor, @Res({ passthrough: true }) res: FastifyReply) {
    res.header('cache-control', 'no-store');
    return this.twoFactor.startEnrolment(actor);
  }

  @Post('two-factor/enrolment/confirm')
  @HttpCode(200)
  @Returns('RecoveryCodesResponse')
  confirmEnrolment(@CurrentActor() actor: StaffActor, @Body() dto: TwoFactorCodeDto, @Res({ passthrough: true }) res: FastifyReply) {
    res.header('cache-control', 'no-store');
    return this.twoFactor.confirmEnrolment(actor, dto.code);
  }

  @Post('two-factor/recovery-codes')
  @HttpCode(200)
  @Returns('RecoveryCodesResponse')
  newRecoveryCodes(@CurrentActor() actor: StaffActor, @Body() dto: TwoFactorCodeDto, @Res({ passthrough: true }) res: FastifyReply) {
    res.header('cache-control', 'no-store');
    return this.twoFactor.newRecoveryCodes(actor, dto.code);
  }

  @Post('two-factor/disable')
  @HttpCode(204)
  disable(@CurrentActor() actor: StaffActor, @Body() dto: TwoFactorCodeDto) {
    return this.twoFactor.disable(actor, dto.code);
  }

  @Get('sessions')
  @Returns('StaffSessionInfoPage')
  listSessions(@CurrentActor() actor: StaffActor, @Query() query: PageQuery) {
    return this.sessions.listOwn(actor, query);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  endSession(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.sessions.endOwn(actor, id);
  }
}

/** Admins: the practice's sign-in requirement, and a colleague's sessions and second factor. */
@ApiTags('staff')
@Controller()
@Allow('admin')
export class StaffSecurityController {
  constructor(
    @Inject(TwoFactorSettingsService) private readonly twoFactor: TwoFactorSettingsService,
    @Inject(StaffSessionsService) private readonly sessions: StaffSessionsService,
  ) {}

  @Get('practice/security')
  @Returns('PracticeSecurity')
  practiceSecurity(@CurrentActor() actor: StaffActor) {
    return this.twoFactor.practiceSecurity(actor);
  }

  @Put('practice/security')
  @Returns('PracticeSecurity')
  setPracticeSecurity(@CurrentActor() actor: StaffActor, @Body() dto: PracticeSecurityDto) {
    return this.twoFactor.setPracticeSecurity(actor, dto.requireTwoFactor);
  }

  @Get('staff/:id/sessions')
  @Returns('StaffSessionInfoPage')
  colleagueSessions(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Query() query: PageQuery) {
    return this.sessions.listForColleague(actor, id, query);
  }

  @Post('staff/:id/sessions/end')
  @HttpCode(200)
  @Returns('EndedSessions')
  endColleagueSessions(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.sessions.endAllForColleague(actor, id);
  }

  @Post('staff/:id/two-factor/reset')
  @HttpCode(204)
  resetTwoFactor(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.twoFactor.reset(actor, id);
  }
}
