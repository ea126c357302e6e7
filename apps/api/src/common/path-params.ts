import { Injectable, type PipeTransform } from '@nestjs/common';
import { NotFoundError } from './app-error.js';
import { INT4_MAX } from './bounds.js';

/*
 * Pipes for path parameters, one per kind of value a path carries. A value
 * of the wrong form names nothing: 404, never 400.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A record's id in a path (`:id`, `:clientId`): anything but a uuid names no record, so 404 like any unknown id. */
@Injectable()
export class RecordIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new NotFoundError();
    return value.toLowerCase();
  }
}

/** A path sequence number (an occurrence of an assignment): anything but a small positive integer names nothing. */
@Injectable()
export class SequenceParamPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9][0-9]{0,3}$/.test(value)) throw new NotFoundError();
    return Number.parseInt(value, 10);
  }
}

/** A version number in a path: a whole number within PostgreSQL's integer, or it names no version (404). */
@Injectable()
export class VersionParamPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const version = /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : Number.NaN;
    if (!(version <= INT4_MAX)) throw new NotFoundError('version');
    return version;
  }
}
