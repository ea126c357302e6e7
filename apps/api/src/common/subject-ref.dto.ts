import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IsOmittable } from './omittable.js';

/** A clinical record's subject named in a body or query: a client or a couple (the service checks that exactly one is given). */
export class SubjectRef {
  @ApiPropertyOptional({ format: 'uuid', description: 'The client (or give coupleId)' })
  @IsOmittable()
  @IsUUID('all', { message: 'must be a client id' })
  clientId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The couple (or give clientId)' })
  @IsOmittable()
  @IsUUID('all', { message: 'must be a couple id' })
  coupleId?: string;
}
