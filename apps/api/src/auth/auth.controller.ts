import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { AuthService } from './auth.service.js';
import { LoginDto } from './dto/login.dto.js';
import { InviteTokenDto, SetPasswordDto } from './dto/set-password.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Allow('public')
  login(@Body() dto: LoginDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    return this.auth.login(dto, req, res);
  }

  @Post('logout')
  @HttpCode(204)
  @Allow('public')
  logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    return this.auth.logout(req, res);
  }

  @Get('me')
  @Allow('staff')
  me(@CurrentActor() actor: StaffActor, @Req() req: FastifyRequest) {
    return this.auth.me(actor, req.sessionTimes!);
  }

  @Post('invite')
  @HttpCode(200)
  @Allow('public')
  describeInvite(@Body() dto: InviteTokenDto) {
    return this.auth.describeInvite(dto.token);
  }

  @Post('set-password')
  @HttpCode(204)
  @Allow('public')
  setPassword(@Body() dto: SetPasswordDto, @Req() req: FastifyRequest) {
    return this.auth.setPassword(dto, { requestId: req.id, ip: req.ip });
  }
}
