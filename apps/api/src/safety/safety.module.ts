import { Global, Module } from '@nestjs/common';
import { AlertsController } from './alerts.controller.js';
import { AlertsService } from './alerts.service.js';
import { CrisisResourcesController } from './crisis-resources.controller.js';
import { CrisisResourcesService } from './crisis-resources.service.js';

/** The safety layer: alerts from flagged answers and the practice's crisis resources. Global: the portal raises alerts and shows the resources. */
@Global()
@Module({
  controllers: [AlertsController, CrisisResourcesController],
  providers: [AlertsService, CrisisResourcesService],
  exports: [AlertsService, CrisisResourcesService],
})
export class SafetyModule {}
