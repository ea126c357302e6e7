import fs from 'node:fs/promises';
import path from 'node:path';
import { timeOfBackupFile } from './backup-file.js';

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time of `instant` in `timeZone`. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const get = (type: string) => Number(format.formatToParts(instant).find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

const offsetMs = (instant: number, timeZone: string) => {
  const p = localParts(new Date(instant), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
};

/** The instant a wall-clock time happens in `timeZone` (a time skipped by a clock change falls just after the change). */
export function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const first = asUtc - offsetMs(asUtc, timeZone);
  return new Date(asUtc - offsetMs(first, timeZone));
}

const slotOn = (p: Pick<LocalParts, 'year' | 'month' | 'day'>, dayShift: number, at: string, timeZone: string) => {
  const date = new Date(Date.UTC(p.year, p.month - 1, p.day + dayShift));
  const [hour, minute] = at.split(':').map(Number) as [number, number];
  return zonedInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, minute, timeZone);
};

/** The first daily slot (`at`, HH:MM local time) strictly after `now`. */
export function nextSlotAfter(now: Date, at: string, timeZone: string): Date {
  const today = localParts(now, timeZone);
  for (const shift of [0, 1, 2]) {
    const slot = slotOn(today, shift, at, timeZone);
    if (slot.getTime() > now.getTime()) return slot;
  }
  throw new Error('no next backup slot');
}

/** The latest daily slot at or before `now`. */
export function lastSlotAtOrBefore(now: Date, at: string, timeZone: string): Date {
  const today = localParts(now, timeZone);
  for (const shift of [0, -1, -2]) {
    const slot = slotOn(today, shift, at, timeZone);
    if (slot.getTime() <= now.getTime()) return slot;
  }
  throw new Error('no earlier backup slot');
}

/** How many backups are kept: the newest of each of the last 7 days, 8 weeks and 12 months that have one. */
export const RETENTION = { daily: 7, weekly: 8, monthly: 12 } as const;

const two = (n: number) => String(n).padStart(2, '0');

/** ISO 8601 week of a calendar date: weeks start on Monday, week 1 holds the year's first Thursday. */
function isoWeek(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil((date.getTime() - yearStart) / 86_400_000 / 7 + 1 / 7);
  return `${date.getUTCFullYear()}-W${two(week)}`;
}

export interface RetentionPlan {
  keep: string[];
  remove: string[];
}

/**
 * Which backups to keep: going from newest to oldest, the newest backup of
 * each of the last `daily` days that have one, of the last `weekly` ISO
 * weeks and of the last `monthly` months (days, weeks and months in the
 * practice's time zone). Periods without a backup do not count, so a run
 * of failures never makes older backups go sooner. Everything else goes.
 */
export function planRetention(
  backups: Array<{ name: string; at: Date }>,
  timeZone: string,
  policy: { daily: number; weekly: number; monthly: number } = RETENTION,
): RetentionPlan {
  const newestFirst = [...backups].sort((a, b) => b.at.getTime() - a.at.getTime() || b.name.localeCompare(a.name));
  const keep = new Set<string>();
  const rules: Array<[number, (p: LocalParts) => string]> = [
    [policy.daily, (p) => `${p.year}-${two(p.month)}-${two(p.day)}`],
    [policy.weekly, (p) => isoWeek(p.year, p.month, p.day)],
    [policy.monthly, (p) => `${p.year}-${two(p.month)}`],
  ];
  for (const [count, period] of rules) {
    const seen = new Set<string>();
    for (const backup of newestFirst) {
      const key = period(localParts(backup.at, timeZone));
      if (seen.has(key)) continue;
      if (seen.size >= count) break;
      seen.add(key);
      keep.add(backup.name);
    }
  }
  return {
    keep: newestFirst.filter((b) => keep.has(b.name)).map((b) => b.name),
    remove: newestFirst.filter((b) => !keep.has(b.name)).map((b) => b.name),
  };
}

/** Applies the retention plan to the backup folder; files that are not Tandem backups are left alone. */
export async function pruneBackups(dir: string, timeZone: string): Promise<RetentionPlan> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const backups = names.flatMap((name) => {
    const at = timeOfBackupFile(name);
    return at ? [{ name, at }] : [];
  });
  const plan = planRetention(backups, timeZone);
  for (const name of plan.remove) await fs.rm(path.join(dir, name), { force: true });
  return plan;
}
