import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { requestBaseUrl } from '../common/base-url.js';
import { RecordIdPipe } from '../common/path-params.js';
import { ReminderSettingsService } from '../reminders/reminder-settings.service.js';
import { DeliveriesService } from './deliveries.service.js';
import { DigestSettingDto, FailedDeliveriesQuery, PasswordResetDto, PasswordResetRequestDto, ReminderSettingsDto } from './dto/delivery.dto.js';
import { PasswordResetService } from './password-reset.service.js';
import { SendLinkService } from './send-link.service.js';
import { UnsubscribeService } from './unsubscribe.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('delivery')
@Controller()
export class DeliveryController {
  constructor(
    @Inject(DeliveriesService) private readonly deliveries: DeliveriesService,
    @Inject(SendLinkService) private readonly links: SendLinkService,
    @Inject(UnsubscribeService) private readonly unsubscribes: UnsubscribeService,
    @Inject(PasswordResetService) private readonly resets: PasswordResetService,
    @Inject(ReminderSettingsService) private readonly settings: ReminderSettingsService,
  ) {}

  @Get('deliveries/failed')
  @Allow('staff')
  @Returns('FailedDeliveryPage')
  failed(@CurrentActor() actor: StaffActor, @Query() query: FailedDeliveriesQuery) {
    return this.deliveries.failed(actor, query);
  }

  @Post('clients/:id/portal-link/send')
  @HttpCode(202)
  @Allow('staff')
  @Returns('SentLinks')
  sendClientLink(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Req() req: FastifyRequest) {
    return this.links.sendToClient(actor, id, requestBaseUrl(req));
  }

  @Post('couples/:id/portal-links/send')
  @HttpCode(202)
  @Allow('staff')
  @Returns('SentLinks')
  sendCoupleLinks(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Req() req: FastifyRequest) {
    return this.links.sendToCouple(actor, id, requestBaseUrl(req));
  }

  @Get('clients/:id/reminders')
  @Allow('staff')
  @Returns('ReminderSettings')
  reminderSettings(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.settings.get(actor, id);
  }

  @Put('clients/:id/reminders')
  @Allow('staff')
  @Returns('ReminderSettings')
  setReminderSettings(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: ReminderSettingsDto) {
    return this.settings.set(actor, id, dto.enabled, dto.hour);
  }

  @Get('digest-setting')
  @Allow('clinician')
  @Returns('DigestSetting')
  digest(@CurrentActor() actor: StaffActor) {
    return this.settings.digest(actor);
  }

  @Put('digest-setting')
  @Allow('clinician')
  @Returns('DigestSetting')
  setDigest(@CurrentActor() actor: StaffActor, @Body() dto: DigestSettingDto) {
    return this.settings.setDigest(actor, dto.enabled);
  }

  /** RFC 8058 one-click unsubscribe: mail clients post `List-Unsubscribe=One-Click` as a form; the unsubscribe page posts JSON. */
  @Post('unsubscribe/:token')
  @HttpCode(200)
  @Allow('public')
  @Returns('Unsubscribed')
  unsubscribe(@Param('token') token: string, @Req() req: FastifyRequest) {
    return this.unsubscribes.unsubscribe(token, { requestId: req.id, ip: req.ip });
  }

  @Post('auth/password-reset/request')
  @HttpCode(202)
  @Allow('public')
  @Returns('PasswordResetRequested')
  async requestReset(@Body() dto: PasswordResetRequestDto, @Req() req: FastifyRequest) {
    await this.resets.request(dto.email, { requestId: req.id, ip: req.ip }, requestBaseUrl(req));
    return { message: 'If that address belongs to someone on staff, a link to choose a new password is on its way.' };
  }

  @Post('auth/password-reset')
  @HttpCode(204)
  @Allow('public')
  async reset(@Body() dto: PasswordResetDto, @Req() req: FastifyRequest) {
    await this.resets.reset(dto.token, dto.password, { requestId: req.id, ip: req.ip });
  }
}
