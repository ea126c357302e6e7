import type { SetCareTeamRequest } from '@tandem/shared';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';

export class SetCareTeamDto implements SetCareTeamRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a clinician id' })
  primaryClinicianId: string;

  @ApiProperty({ type: [String], format: 'uuid', maxItems: 10 })
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique({ message: 'lists someone twice' })
  @IsUUID('all', { each: true, message: 'must be clinician ids' })
  otherClinicianIds: string[];
}
