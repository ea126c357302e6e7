import { Global, Module } from '@nestjs/common';
import { AccessService, EmergencyAccess } from './access.service.js';

@Global()
@Module({ providers: [AccessService, EmergencyAccess], exports: [AccessService, EmergencyAccess] })
export class AccessModule {}
