import { Module } from '@nestjs/common';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { ClientsController } from './clients.controller.js';
import { ClientsService } from './clients.service.js';

@Module({ imports: [AssignmentsModule], controllers: [ClientsController], providers: [ClientsService] })
export class ClientsModule {}
