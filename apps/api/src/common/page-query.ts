import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { IsOmittable } from './omittable.js';
import { MAX_CURSOR_LENGTH } from './cursor.js';

/** The keyset-pagination part of every list's query: a cursor from the previous page and a page size. */
export class PageQuery {
  @ApiPropertyOptional({ description: 'Cursor from the previous page' })
  @IsOmittable()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOmittable()
  @Matches(/^([1-9]|[1-9][0-9]|100)$/, { message: 'must be a whole number from 1 to 100' })
  limit?: string;
}
