import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditedWrites } from './audited-writes.service.js';

@Global()
@Module({ controllers: [AuditController], providers: [AuditedWrites, AuditLogService], exports: [AuditedWrites] })
export class AuditModule {}
