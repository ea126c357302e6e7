import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { STAFF_ROLES, type StaffRole, type InviteStaffRequest, type UpdateStaffRequest } from '@tandem/shared';
import { IsOmittable } from '../../common/omittable.js';
import { PageQuery } from '../../common/page-query.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class InviteStaffDto implements InviteStaffRequest {
  @ApiProperty({ maxLength: 254 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'is required' })
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: STAFF_ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1, { message: 'needs at least one role' })
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true, message: 'must be admin or clinician' })
  roles: StaffRole[];
}

export class UpdateStaffDto implements UpdateStaffRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'is required' })
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: STAFF_ROLES, isArray: true })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1, { message: 'needs at least one role' })
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true, message: 'must be admin or clinician' })
  roles?: StaffRole[];
}

export class ListStaffQuery extends PageQuery {
  @ApiPropertyOptional({ maxLength: 200, description: 'Search by name or email' })
  @IsOmittable()
  @IsString()
  @MaxLength(200)
  q?: string;
}
