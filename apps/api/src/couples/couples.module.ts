import { Module } from '@nestjs/common';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { CouplesController } from './couples.controller.js';
import { CouplesService } from './couples.service.js';

@Module({ imports: [AssignmentsModule], controllers: [CouplesController], providers: [CouplesService] })
export class CouplesModule {}
