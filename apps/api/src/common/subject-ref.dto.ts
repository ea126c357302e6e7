import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { ValidationFailedError } from './app-error.js';
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

export type Subject = { clientId: string } | { coupleId: string };

/** Exactly one of the two, or a 400 naming both fields. */
export function requireOneSubject(ref: SubjectRef, message = 'give either a client or a couple'): Subject {
  if (!ref.clientId === !ref.coupleId) throw new ValidationFailedError({ clientId: message, coupleId: message });
  return ref.clientId ? { clientId: ref.clientId } : { coupleId: ref.coupleId! };
}

/** The subject of a stored record: its `client_id`, or else its `couple_id`. */
export const subjectOf = (row: { client_id: string | null; couple_id: string | null }): Subject =>
  row.client_id ? { clientId: row.client_id } : { coupleId: row.couple_id! };
