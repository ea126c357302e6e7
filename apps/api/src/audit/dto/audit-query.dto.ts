import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../common/bounds.js';
import { MAX_CURSOR_LENGTH } from '../../common/cursor.js';
import { IsOmittable } from '../../common/omittable.js';

export class AuditQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Staff member or portal client who acted' })
  @IsOmittable()
  @IsUUID('all', { message: 'must be a person’s id' })
  actorId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Client or couple the events concern' })
  @IsOmittable()
  @IsUUID('all', { message: 'must be a client or couple id' })
  subjectId?: string;

  @ApiPropertyOptional({ example: 'auth.sign_in' })
  @IsOmittable()
  @IsString()
  @Matches(/^[a-z_]+(\.[a-z_]+)?$/, { message: 'must be an action like auth.sign_in, or a group like auth' })
  @MaxLength(80)
  action?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-11-01', description: 'First day included (YYYY-MM-DD)' })
  @IsOmittable()
  @IsCalendarDate('must be a date like 2026-11-01')
  from?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-11-30', description: 'Last day included (YYYY-MM-DD)' })
  @IsOmittable()
  @IsCalendarDate('must be a date like 2026-11-30')
  to?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOmittable()
  @Matches(/^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)$/, { message: 'must be a whole number from 1 to 200' })
  limit?: string;
}
