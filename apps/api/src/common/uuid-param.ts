import { Injectable, type PipeTransform } from '@nestjs/common';
import { NotFoundError } from './app-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a uuid names no record: 404, like any unknown id. */
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
