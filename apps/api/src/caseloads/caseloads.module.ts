import { Module } from '@nestjs/common';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { CaseloadsController } from './caseloads.controller.js';
import { CaseloadsService } from './caseloads.service.js';

@Module({ imports: [AssignmentsModule], controllers: [CaseloadsController], providers: [CaseloadsService] })
export class CaseloadsModule {}
