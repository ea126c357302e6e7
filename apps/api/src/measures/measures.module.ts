import { Global, Module } from '@nestjs/common';
import { AssignmentsModule } from '../assignments/assignments.module.js';
import { MeasureScoring } from './measure-scoring.service.js';
import { MeasuresController, PortalMeasuresController } from './measures.controller.js';
import { MeasuresService } from './measures.service.js';

/** Outcome measures: assigned like homework, scored on submission, charted for the care team. Global: the portal scores a submitted measure. */
@Global()
@Module({
  imports: [AssignmentsModule],
  controllers: [MeasuresController, PortalMeasuresController],
  providers: [MeasuresService, MeasureScoring],
  exports: [MeasureScoring],
})
export class MeasuresModule {}
