import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { INSTRUCTIONS_MAX_LENGTH, MAX_OCCURRENCES, MEASURE_EVERY_WEEKS_MAX, MEASURE_IDS, type AssignMeasureRequest, type MeasureId } from '@tandem/shared';
import { IsBoundedInt, IsCalendarDate } from '../../common/bounds.js';
import { IsOmittable } from '../../common/omittable.js';
import { PageQuery } from '../../common/page-query.js';
import { SubjectRef } from '../../common/subject-ref.dto.js';

const DATE_MESSAGE = 'must be a date like 2026-11-20';
const MEASURE_MESSAGE = `must be one of ${MEASURE_IDS.join(', ')}`;

export class AssignMeasureDto extends SubjectRef implements AssignMeasureRequest {
  @ApiProperty({ enum: MEASURE_IDS })
  @IsIn(MEASURE_IDS, { message: MEASURE_MESSAGE })
  measure: MeasureId;

  @ApiProperty({ example: '2026-11-27', description: 'The first (or only) due date' })
  @IsCalendarDate(DATE_MESSAGE)
  dueOn: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MEASURE_EVERY_WEEKS_MAX, description: 'Omitted: once. Otherwise repeats every N weeks' })
  @IsOmittable()
  @IsBoundedInt(1, MEASURE_EVERY_WEEKS_MAX, `must be a whole number of weeks from 1 to ${MEASURE_EVERY_WEEKS_MAX}`)
  everyWeeks?: number;

  @ApiPropertyOptional({ example: '2027-02-26', description: 'Repeating: the last day an occurrence may fall on' })
  @IsOmittable()
  @IsCalendarDate(DATE_MESSAGE)
  endsOn?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_OCCURRENCES, description: 'Repeating: how many times' })
  @IsOmittable()
  @IsBoundedInt(1, MAX_OCCURRENCES, `must be a whole number from 1 to ${MAX_OCCURRENCES}`)
  count?: number;

  @ApiPropertyOptional({ maxLength: INSTRUCTIONS_MAX_LENGTH })
  @IsOmittable()
  @IsString({ message: 'must be text' })
  @MaxLength(INSTRUCTIONS_MAX_LENGTH, { message: `must be at most ${INSTRUCTIONS_MAX_LENGTH} characters` })
  instructions?: string;

  @ApiPropertyOptional({ default: false })
  @IsOmittable()
  @IsBoolean({ message: 'must be true or false' })
  remind?: boolean;
}

export class MeasureScoresQuery extends IntersectionType(PageQuery, SubjectRef) {
  @ApiPropertyOptional({ enum: MEASURE_IDS })
  @IsOmittable()
  @IsIn(MEASURE_IDS, { message: MEASURE_MESSAGE })
  measure?: MeasureId;
}

export class MeasureSummaryQuery extends SubjectRef {}

const UUID_LIST = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(,[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}){0,99}$/i;

export class LatestMeasuresQuery {
  @ApiProperty({ description: 'Up to 100 client ids, comma-separated (the caseload page being shown)' })
  @IsString({ message: 'must be client ids separated by commas' })
  @Matches(UUID_LIST, { message: 'must be 1 to 100 client ids separated by commas' })
  clientIds: string;
}

export class PortalMeasuresQuery extends PageQuery {}
