import { Module } from '@nestjs/common';
import { BackupScheduler } from './backup-scheduler.js';
import { BackupsController } from './backups.controller.js';
import { BackupClock, BackupsService } from './backups.service.js';

/** Scheduled, encrypted backups of the whole installation, and their status for admins. The command line tools are in cli/. */
@Module({
  controllers: [BackupsController],
  providers: [BackupClock, BackupsService, BackupScheduler],
  exports: [BackupsService, BackupScheduler],
})
export class BackupsModule {}
