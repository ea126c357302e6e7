import { Module } from '@nestjs/common';
import { EmergencyAccessController } from './emergency-access.controller.js';
import { EmergencyAccessService } from './emergency-access.service.js';

@Module({ controllers: [EmergencyAccessController], providers: [EmergencyAccessService], exports: [EmergencyAccessService] })
export class EmergencyAccessModule {}
