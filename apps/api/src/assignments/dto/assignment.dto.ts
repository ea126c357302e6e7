import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { INSTRUCTIONS_MAX_LENGTH, MAX_OCCURRENCES, RECURRENCES, SHARING_MODES, type Recurrence, type SharingMode, type CancelAssignmentRequest, type CreateAssignmentRequest, type RescheduleAssignmentRequest } from '@tandem/shared';
import { IsCalendarDate, IsVersion } from '../../common/bounds.js';
import { IsOmittable } from '../../common/omittable.js';
import { PageQuery } from '../../common/page-query.js';
import { SubjectRef } from '../../common/subject-ref.dto.js';
import { EXERCISE_ID } from '../../exercises/dto/exercise.dto.js';

const DATE_MESSAGE = 'must be a date like 2026-11-20';

export class CreateAssignmentDto extends SubjectRef implements CreateAssignmentRequest {
  @ApiProperty({ description: 'Library id: builtin:<slug> or a practice exercise id' })
  @IsString()
  @Matches(EXERCISE_ID, { message: 'must be an exercise from the library' })
  exerciseId: string;

  @ApiPropertyOptional({ description: 'Defaults to the current version' })
  @IsOmittable()
  @IsInt({ message: 'must be a version number' })
  @Min(1, { message: 'must be a version number' })
  @Max(100_000, { message: 'must be a version number' })
  exerciseVersion?: number;

  @ApiProperty({ maxLength: INSTRUCTIONS_MAX_LENGTH, description: 'What the clinician asks, in their own words' })
  @IsString({ message: 'must be text' })
  @MaxLength(INSTRUCTIONS_MAX_LENGTH, { message: `must be at most ${INSTRUCTIONS_MAX_LENGTH} characters` })
  instructions: string;

  @ApiProperty({ example: '2026-11-27' })
  @IsCalendarDate(DATE_MESSAGE)
  dueOn: string;

  @ApiProperty({ enum: RECURRENCES })
  @IsIn(RECURRENCES, { message: 'must be once, daily or weekly' })
  recurrence: Recurrence;

  @ApiPropertyOptional({ example: '2026-12-25', description: 'Recurring: the last day an occurrence may fall on' })
  @IsOmittable()
  @IsCalendarDate(DATE_MESSAGE)
  endsOn?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_OCCURRENCES, description: 'Recurring: how many occurrences' })
  @IsOmittable()
  @IsInt({ message: `must be a whole number from 1 to ${MAX_OCCURRENCES}` })
  @Min(1, { message: `must be a whole number from 1 to ${MAX_OCCURRENCES}` })
  @Max(MAX_OCCURRENCES, { message: `must be a whole number from 1 to ${MAX_OCCURRENCES}` })
  count?: number;

  @ApiPropertyOptional({ enum: SHARING_MODES, description: 'Couples only; private by default' })
  @IsOmittable()
  @IsIn(SHARING_MODES, { message: 'must be private or reveal-when-both-done' })
  sharing?: SharingMode;

  @ApiPropertyOptional({ default: false, description: 'Email each client (by their own settings): now, on the due morning, and once if overdue' })
  @IsOmittable()
  @IsBoolean({ message: 'must be true or false' })
  remind?: boolean;
}

export class RescheduleAssignmentDto implements RescheduleAssignmentRequest {
  @ApiProperty({ example: '2026-11-27', description: 'New due date of the next open occurrence' })
  @IsCalendarDate(DATE_MESSAGE)
  dueOn: string;

  @ApiProperty()
  @IsVersion('must be the assignment’s version number')
  version: number;
}

export class CancelAssignmentDto implements CancelAssignmentRequest {
  @ApiProperty()
  @IsVersion('must be the assignment’s version number')
  version: number;
}

export class SubjectQuery extends SubjectRef {}

export class BringQuery extends SubjectRef {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'Only answers submitted on or after this date' })
  @IsOmittable()
  @IsCalendarDate(DATE_MESSAGE)
  since?: string;
}

export class ListAssignmentsQuery extends IntersectionType(PageQuery, SubjectRef) {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'Only assignments given or due on or after this date' })
  @IsOmittable()
  @IsCalendarDate(DATE_MESSAGE)
  since?: string;
}
