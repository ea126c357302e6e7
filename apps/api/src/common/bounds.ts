import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min, ValidateBy } from 'class-validator';

/** PostgreSQL's `integer`: every whole number a route accepts for such a column stays inside it. */
export const INT4_MAX = 2_147_483_647;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` naming a day that exists (no 2026-02-30, no year 0): the one date form Tandem accepts. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = CALENDAR_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A calendar date, `YYYY-MM-DD` and nothing else (not `2026`, `2026-11`, `2026-W01` or a time). */
export const IsCalendarDate = (message: string) =>
  ValidateBy({ name: 'isCalendarDate', validator: { validate: isCalendarDate, defaultMessage: () => message } });

/** A whole number from `min` to `max` (at most PostgreSQL's integer): fractions, strings and anything larger are a 400. */
export const IsBoundedInt = (min: number, max: number, message: string) =>
  applyDecorators(IsInt({ message }), Min(min, { message }), Max(Math.min(max, INT4_MAX), { message }));

/** A record's version, as an edit names it (optimistic concurrency). */
export const IsVersion = (message: string) => IsBoundedInt(1, INT4_MAX, message);
