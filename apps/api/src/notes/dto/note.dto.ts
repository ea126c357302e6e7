import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsObject } from 'class-validator';
import { NOTE_FORMATS, NOTE_KINDS, type NoteFormat, type NoteKind, type CreateNoteRequest, type UpdateNoteRequest } from '@tandem/shared';
import { IsCalendarDate, IsVersion } from '../../common/bounds.js';
import { IsOmittable } from '../../common/omittable.js';
import { PageQuery } from '../../common/page-query.js';
import { SubjectRef } from '../../common/subject-ref.dto.js';

export class CreateNoteDto extends SubjectRef implements CreateNoteRequest {
  @ApiProperty({ example: '2026-11-20' })
  @IsCalendarDate('must be a date like 2026-11-20')
  sessionDate: string;

  @ApiProperty({ enum: NOTE_FORMATS })
  @IsIn(NOTE_FORMATS, { message: 'must be SOAP, DAP, BIRP or free' })
  format: NoteFormat;

  @ApiProperty({ enum: NOTE_KINDS })
  @IsIn(NOTE_KINDS, { message: 'must be progress or psychotherapy' })
  kind: NoteKind;
}

export class UpdateNoteDto implements UpdateNoteRequest {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', maxLength: 20000 } })
  @IsOmittable()
  @IsObject({ message: 'must map each section to its text' })
  sections?: Record<string, string>;

  @ApiPropertyOptional({ example: '2026-11-20' })
  @IsOmittable()
  @IsCalendarDate('must be a date like 2026-11-20')
  sessionDate?: string;

  @ApiProperty({ description: 'The version this edit is based on' })
  @IsVersion('must be the note’s version number')
  version: number;
}

export class SignNoteDto {
  @ApiProperty({ description: 'The version being signed, as the author last saw it' })
  @IsVersion('must be the note’s version number')
  version: number;
}

export class ListNotesQuery extends IntersectionType(PageQuery, SubjectRef) {}
