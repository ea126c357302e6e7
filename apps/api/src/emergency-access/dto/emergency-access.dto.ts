import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Length, MaxLength, MinLength } from 'class-validator';
import { EMERGENCY_REASON_MAX_LENGTH, EMERGENCY_REASON_MIN_LENGTH } from '@tandem/shared';
import { PageQuery } from '../../common/page-query.js';

export class OpenEmergencyAccessDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a client id' })
  clientId: string;

  @ApiProperty({ minLength: EMERGENCY_REASON_MIN_LENGTH, maxLength: EMERGENCY_REASON_MAX_LENGTH, description: 'Why the record is needed now; the care team and admins read it' })
  @IsString()
  @MinLength(EMERGENCY_REASON_MIN_LENGTH, { message: `must say why, in at least ${EMERGENCY_REASON_MIN_LENGTH} characters` })
  @MaxLength(EMERGENCY_REASON_MAX_LENGTH)
  reason: string;
}

export class EmergencyCandidatesQuery extends PageQuery {
  @ApiProperty({ description: 'Part of the client’s name (at least 2 characters)', minLength: 2, maxLength: 100 })
  @IsString()
  @Length(2, 100, { message: 'must be 2 to 100 characters' })
  q: string;
}
