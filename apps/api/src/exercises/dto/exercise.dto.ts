import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsString, Matches, MaxLength } from 'class-validator';
import { AUDIENCES, THEMES, type Audience, type Exercise, type Theme, type SaveExerciseRequest, type UpdateExerciseRequest } from '@tandem/shared';
import { INT4_MAX, IsBoundedInt } from '../../common/bounds.js';
import { IsOmittable } from '../../common/omittable.js';
import { PageQuery } from '../../common/page-query.js';

export const EXERCISE_ID = /^(builtin:[a-z0-9]+(-[a-z0-9]+)*|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export class CreateExerciseDto implements SaveExerciseRequest {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The exercise: slug, title, summary, theme, audience, minutes, source, safety, recurrence, steps' })
  @IsObject({ message: 'must be an exercise definition' })
  definition: Omit<Exercise, 'version'>;

  @ApiPropertyOptional({ description: 'Library id of the exercise this is a copy of' })
  @IsOmittable()
  @IsString()
  @Matches(EXERCISE_ID, { message: 'must be a library id' })
  copiedFrom?: string;
}

export class UpdateExerciseDto implements UpdateExerciseRequest {
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject({ message: 'must be an exercise definition' })
  definition: Omit<Exercise, 'version'>;

  @ApiProperty({ description: 'The version this edit started from' })
  // An edit saves baseVersion + 1, which must fit the column too.
  @IsBoundedInt(1, INT4_MAX - 1, 'must be the version number you edited')
  baseVersion: number;
}

export class ListExercisesQuery extends PageQuery {
  @ApiPropertyOptional({ maxLength: 200, description: 'Search titles and summaries' })
  @IsOmittable()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: THEMES })
  @IsOmittable()
  @IsIn(THEMES, { message: `must be one of: ${THEMES.join(', ')}` })
  theme?: Theme;

  @ApiPropertyOptional({ enum: AUDIENCES })
  @IsOmittable()
  @IsIn(AUDIENCES, { message: 'must be individual, couple or either' })
  audience?: Audience;

  @ApiPropertyOptional({ description: 'Seed file of the source article' })
  @IsOmittable()
  @Matches(/^[0-9a-z_]{1,60}\.txt$/, { message: 'must name a source article' })
  source?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Suits daily or weekly use' })
  @IsOmittable()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  recurring?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['builtin', 'practice'] })
  @IsOmittable()
  @IsIn(['builtin', 'practice'], { message: 'must be builtin or practice' })
  origin?: 'builtin' | 'practice';

  @ApiPropertyOptional({ enum: ['true'] })
  @IsOmittable()
  @IsIn(['true'], { message: 'must be true' })
  includeArchived?: 'true';
}
