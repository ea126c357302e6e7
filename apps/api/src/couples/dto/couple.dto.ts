import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { CONJOINT_SAFETY, type ConjointSafety, type CreateCoupleRequest } from '@tandem/shared';
import { IsVersion } from '../../common/bounds.js';
import { IsOmittable } from '../../common/omittable.js';
import { PageQuery } from '../../common/page-query.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateCoupleDto implements CreateCoupleRequest {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Alex & Sam' })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'is required' })
  @MaxLength(200)
  displayName: string;

  @ApiProperty({ type: [String], format: 'uuid', minItems: 2, maxItems: 8 })
  @IsArray()
  @ArrayMinSize(2, { message: 'must include at least two people' })
  @ArrayMaxSize(8)
  @ArrayUnique({ message: 'lists someone twice' })
  @IsUUID('all', { each: true, message: 'must be clients of the practice' })
  memberIds: string[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOmittable()
  @IsUUID('all', { message: 'must be a clinician id' })
  primaryClinicianId?: string;
}

export class UpdateCoupleDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'is required' })
  @MaxLength(200)
  displayName: string;

  @ApiProperty({ description: 'The version this edit is based on' })
  @IsVersion('must be the record’s version number')
  version: number;
}

export class AddMemberDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a client id' })
  clientId: string;
}

export class SetSafetyDto {
  @ApiProperty({ enum: CONJOINT_SAFETY })
  @IsIn(CONJOINT_SAFETY, { message: 'must be unscreened, cleared or concern' })
  status: ConjointSafety;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @Transform(({ value }) => (typeof value === 'string' && value.trim() === '' ? null : trim({ value })))
  @ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null)
  @IsString()
  @MaxLength(2000)
  note?: string | null;

  @ApiProperty({ description: 'The version this screening is based on' })
  @IsVersion('must be the record’s version number')
  version: number;
}

export class ListCouplesQuery extends PageQuery {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOmittable()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOmittable()
  @IsUUID('all', { message: 'must be a clinician id' })
  clinicianId?: string;

  @ApiPropertyOptional({ enum: CONJOINT_SAFETY })
  @IsOmittable()
  @IsIn(CONJOINT_SAFETY, { message: 'must be unscreened, cleared or concern' })
  safety?: ConjointSafety;

  @ApiPropertyOptional({ enum: ['true'] })
  @IsOmittable()
  @IsIn(['true'], { message: 'must be true' })
  unassigned?: 'true';
}
