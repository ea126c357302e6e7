import { Module } from '@nestjs/common';
import { ExercisesModule } from '../exercises/exercises.module.js';
import { AssignmentsController } from './assignments.controller.js';
import { AssignmentsService } from './assignments.service.js';
import { HomeworkStatsService } from './homework-stats.service.js';

@Module({
  imports: [ExercisesModule],
  controllers: [AssignmentsController],
  providers: [AssignmentsService, HomeworkStatsService],
  exports: [HomeworkStatsService, AssignmentsService],
})
export class AssignmentsModule {}
