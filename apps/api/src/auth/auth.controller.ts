import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor, CurrentSessionTimes } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { originOf, replyWith } from '../common/cookies.js';
import { AuthService } from './auth.service.js';
import { SESSION_COOKIE, type SessionTimes } from './session.service.js';
import { CHALLENGE_COOKIE } from './sign-in-challenge.service.js';
import { LoginDto } from './dto/login.dto.js';
import { InviteTokenDto, SetPasswordDto } from './dto/set-password.dto.js';
import { TwoFactorCodeDto } from './dto/two-factor.dto.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Allow('public')
  @Returns('LoginResponse')
  login(@Body() dto: LoginDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    return replyWith(req, res, this.auth.login(dto, originOf(req)));
  }

  @Post('logout')
  @HttpCode(204)
  @Allow('public')
  logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    return replyWith(req, res, this.auth.logout(req.cookies?.[SESSION_COOKIE], originOf(req)));
  }

  @Get('me')
  @Allow('staff')
  @Returns('MeResponse')
  me(@CurrentActor() actor: StaffActor, @CurrentSessionTimes() times: SessionTimes) {
    return this.auth.me(actor, times);
  }

  @Post('invite')
  @HttpCode(200)
  @Allow('public')
  @Returns('InviteInfo')
  describeInvite(@Body() dto: InviteTokenDto) {
    return this.auth.describeInvite(dto.token);
  }

  @Post('set-password')
  @HttpCode(204)
  @Allow('public')
  setPassword(@Body() dto: SetPasswordDto, @Req() req: FastifyRequest) {
    return this.auth.setPassword(dto, { requestId: req.id, ip: req.ip });
  }

  /** The second step of sign-in, after the password (the sign-in cookie says whose). */
  @Post('two-factor')
  @HttpCode(200)
  @Allow('public')
  @Returns('MeResponse')
  secondStep(@Body() dto: TwoFactorCodeDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    return replyWith(req, res, this.auth.verifySecondStep(dto, req.cookies?.[CHALLENGE_COOKIE], originOf(req)));
  }

  /** Enrolment at sign-in, when the practice requires two-factor sign-in: a new secret and its QR code. */
  @Post('two-factor/enrolment')
  @HttpCode(200)
  @Allow('public')
  @Returns('TwoFactorEnrolment')
  startEnrolment(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    res.header('cache-control', 'no-store');
    return this.auth.startSignInEnrolment(req.cookies?.[CHALLENGE_COOKIE], originOf(req));
  }

  /** The first code from the app: turns two-factor sign-in on, opens the session, shows the recovery codes once. */
  @Post('two-factor/enrolment/confirm')
  @HttpCode(200)
  @Allow('public')
  @Returns('TwoFactorSignInEnrolled')
  confirmEnrolment(@Body() dto: TwoFactorCodeDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    res.header('cache-control', 'no-store');
    return replyWith(req, res, this.auth.confirmSignInEnrolment(dto, req.cookies?.[CHALLENGE_COOKIE], originOf(req)));
  }
}
