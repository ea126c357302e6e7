import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsObject, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { ALERT_NOTE_MAX_LENGTH, MAX_CRISIS_LINES, type CrisisResource, type AcknowledgeAlertRequest, type SetCrisisResourcesRequest } from '@tandem/shared';
import { IsOmittable } from '../../common/omittable.js';
import { PageQuery } from '../../common/page-query.js';
import { SubjectRef } from '../../common/subject-ref.dto.js';

const PHONE = /^\+?[0-9]{2,15}$/;

export class CrisisLineDto implements CrisisResource {
  @ApiProperty({ example: '988 Suicide & Crisis Lifeline', maxLength: 120 })
  @IsString({ message: 'needs a name' })
  @MinLength(1, { message: 'needs a name' })
  @MaxLength(120)
  label: string;

  @ApiProperty({ example: '988', description: 'Digits, with an optional leading +' })
  @Matches(PHONE, { message: 'must be a phone number: digits, with an optional leading +' })
  phone: string;

  @ApiProperty()
  @IsBoolean({ message: 'must say whether the line takes calls' })
  call: boolean;

  @ApiProperty()
  @IsBoolean({ message: 'must say whether the line takes texts' })
  text: boolean;

  @ApiPropertyOptional({ example: 'START', maxLength: 40 })
  @IsOmittable()
  @IsString()
  @MaxLength(40)
  textBody?: string;
}

export class SetCrisisResourcesDto implements SetCrisisResourcesRequest {
  @ApiProperty({ example: '911' })
  @Matches(/^[0-9]{2,6}$/, { message: 'must be the local emergency number, digits only (e.g. 911, 112, 999)' })
  emergencyNumber: string;

  @ApiProperty({ type: [CrisisLineDto] })
  @IsArray({ message: 'must list the crisis lines' })
  @ArrayMaxSize(MAX_CRISIS_LINES, { message: `can list at most ${MAX_CRISIS_LINES} lines` })
  @IsObject({ each: true, message: 'must list each line with its name and phone number' })
  @ValidateNested({ each: true })
  @Type(() => CrisisLineDto)
  lines: CrisisLineDto[];
}

/** Alerts of the actor's care teams, newest first; one client or couple with `clientId` / `coupleId`. */
export class ListAlertsQuery extends IntersectionType(PageQuery, SubjectRef) {
  @ApiPropertyOptional({ enum: ['open', 'all'], default: 'open' })
  @IsOmittable()
  @IsIn(['open', 'all'], { message: 'must be open or all' })
  status?: 'open' | 'all';
}

export class AcknowledgeAlertDto implements AcknowledgeAlertRequest {
  @ApiProperty({ maxLength: ALERT_NOTE_MAX_LENGTH, description: 'What the clinician did or decided' })
  @IsString({ message: 'needs a short note' })
  @MinLength(1, { message: 'needs a short note' })
  @MaxLength(ALERT_NOTE_MAX_LENGTH, { message: `must be at most ${ALERT_NOTE_MAX_LENGTH} characters` })
  note: string;
}

