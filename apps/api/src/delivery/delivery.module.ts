import { Global, Module } from '@nestjs/common';
import { ReminderSettingsService } from '../reminders/reminder-settings.service.js';
import { RemindersService } from '../reminders/reminders.service.js';
import { Clock } from './clock.js';
import { DeliveriesService } from './deliveries.service.js';
import { DeliveryController } from './delivery.controller.js';
import { DeliveryQueue } from './delivery-queue.service.js';
import { DeliveryWorker } from './delivery-worker.service.js';
import { MailTransport } from './mail-transport.js';
import { Outbox } from './outbox.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { SendLinkService } from './send-link.service.js';
import { UnsubscribeService } from './unsubscribe.service.js';

/** Email: the outbox other features enqueue on, the worker that sends, reminders, digests and the routes around them. */
@Global()
@Module({
  controllers: [DeliveryController],
  providers: [
    Clock,
    DeliveryQueue,
    Outbox,
    MailTransport,
    DeliveryWorker,
    DeliveriesService,
    SendLinkService,
    UnsubscribeService,
    PasswordResetService,
    ReminderSettingsService,
    RemindersService,
  ],
  exports: [Outbox, Clock, DeliveriesService, RemindersService],
})
export class DeliveryModule {}
