import { Global, Module } from '@nestjs/common';
import { PortalEntryController } from './portal-entry.controller.js';
import { PortalLinksController } from './portal-links.controller.js';
import { PortalPageController } from './portal-page.controller.js';
import { PortalLinksService } from './portal-links.service.js';
import { PortalSessionService } from './portal-session.service.js';
import { PortalController } from './portal.controller.js';
import { PortalService } from './portal.service.js';

/** Portal links (staff side), the link entry point, and the client's portal API. Global: the access guard reads portal sessions. */
@Global()
@Module({
  controllers: [PortalLinksController, PortalEntryController, PortalPageController, PortalController],
  providers: [PortalLinksService, PortalSessionService, PortalService],
  exports: [PortalSessionService],
})
export class PortalModule {}
