import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { BackupStatus } from '@tandem/shared';
import { Allow } from '../access/allow.decorator.js';
import { BackupScheduler } from './backup-scheduler.js';
import { BackupsService } from './backups.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('backups')
@Controller('backups')
@Allow('admin')
export class BackupsController {
  constructor(
    @Inject(BackupsService) private readonly backups: BackupsService,
    @Inject(BackupScheduler) private readonly scheduler: BackupScheduler,
  ) {}

  /** The installation's backups: last good one, last failure, next run, and what needs an admin's attention. */
  @Get('status')
  @Returns('BackupStatus')
  status(): Promise<BackupStatus> {
    return this.backups.status(this.scheduler.next);
  }
}
