import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { CLIENT_STATUSES, type ClientStatus, type CreateClientRequest, type UpdateClientRequest } from '@tandem/shared';
import { IsCalendarDate, IsVersion } from '../../common/bounds.js';
import { IsOmittable } from '../../common/omittable.js';
import { PageQuery } from '../../common/page-query.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Blank optional text means "none". */
const blankToNull = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? null : trim({ value }));
const nullable = () => ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null);

class ClientFields {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100 })
  @Transform(blankToNull)
  @nullable()
  @IsString()
  @MaxLength(100)
  preferredName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 254 })
  @Transform(({ value }) => (typeof value === 'string' ? (value.trim() === '' ? null : value.trim().toLowerCase()) : value))
  @nullable()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 40 })
  @Transform(blankToNull)
  @nullable()
  @IsString()
  @Matches(/^[0-9+()\-.\s]{3,40}$/, { message: 'must be a phone number (digits, spaces, + - . ( ))' })
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '1990-04-17' })
  @Transform(blankToNull)
  @nullable()
  @IsCalendarDate('must be a date like 1990-04-17')
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ example: 'en', maxLength: 35 })
  @IsOmittable()
  @IsString()
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'must be a language tag like en or es-MX' })
  @MaxLength(35)
  preferredLanguage?: string;
}

export class CreateClientDto extends ClientFields implements CreateClientRequest {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'is required' })
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ description: 'Create even though a client with the same name and date of birth exists (answered 409 possible_duplicate otherwise)' })
  @IsOmittable()
  @IsBoolean({ message: 'must be true or false' })
  confirmDuplicate?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Primary clinician; admins may leave clients unassigned' })
  @IsOmittable()
  @IsUUID('all', { message: 'must be a clinician id' })
  primaryClinicianId?: string;
}

export class UpdateClientDto extends ClientFields implements UpdateClientRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'is required' })
  @MaxLength(200)
  name?: string;

  @ApiProperty({ description: 'The version this edit is based on' })
  @IsVersion('must be the record’s version number')
  version: number;
}

export class ListClientsQuery extends PageQuery {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOmittable()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: CLIENT_STATUSES })
  @IsOmittable()
  @IsIn(CLIENT_STATUSES, { message: 'must be active or discharged' })
  status?: ClientStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only clients on this clinician’s care teams (admins)' })
  @IsOmittable()
  @IsUUID('all', { message: 'must be a clinician id' })
  clinicianId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOmittable()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  hasCouple?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['true'], description: 'Only clients with no primary clinician (admins)' })
  @IsOmittable()
  @IsIn(['true'], { message: 'must be true' })
  unassigned?: 'true';

  @ApiPropertyOptional({ enum: ['name', 'recent'], default: 'name' })
  @IsOmittable()
  @IsIn(['name', 'recent'], { message: 'must be name or recent' })
  sort?: 'name' | 'recent';
}
