import { Module } from '@nestjs/common';
import { CaseloadsController } from './caseloads.controller.js';
import { CaseloadsService } from './caseloads.service.js';

@Module({ controllers: [CaseloadsController], providers: [CaseloadsService] })
export class CaseloadsModule {}
