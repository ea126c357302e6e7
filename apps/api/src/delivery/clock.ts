import { Injectable } from '@nestjs/common';

/**
 * The time Tandem's schedules (reminders, digests) go by. One provider, so
 * tests move time by setting it rather than by waiting.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
