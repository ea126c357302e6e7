import { MAX_OCCURRENCES, type Recurrence } from '@tandem/shared';

/** Calendar dates as YYYY-MM-DD, in the practice's time zone; arithmetic in whole days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface PlannedOccurrence {
  seq: number;
  opensOn: string;
  dueOn: string;
}

/** Field → message, for a 400. */
export type ScheduleProblem = { fields: Record<string, string> };

/**
 * The occurrences of an assignment. Each opens the day after the previous
 * one was due (the first opens on the day it is assigned), so a client sees
 * one at a time and a late one stays open until done.
 */
export function planOccurrences(input: {
  today: string;
  dueOn: string;
  recurrence: Recurrence;
  endsOn?: string;
  count?: number;
}): PlannedOccurrence[] | ScheduleProblem {
  const { today, dueOn, recurrence, endsOn, count } = input;
  if (dueOn < today) return { fields: { dueOn: 'must be today or later' } };
  if (recurrence === 'once') {
    if (endsOn !== undefined) return { fields: { endsOn: 'is only for daily or weekly homework' } };
    if (count !== undefined) return { fields: { count: 'is only for daily or weekly homework' } };
    return [{ seq: 1, opensOn: today, dueOn }];
  }
  if (endsOn === undefined && count === undefined) {
    return { fields: { endsOn: 'give an end date or a number of times', count: 'give an end date or a number of times' } };
  }
  if (endsOn !== undefined && count !== undefined) {
    return { fields: { endsOn: 'give an end date or a number of times, not both', count: 'give an end date or a number of times, not both' } };
  }
  const step = recurrence === 'daily' ? 1 : 7;
  let total = count ?? 0;
  if (endsOn !== undefined) {
    if (endsOn < dueOn) return { fields: { endsOn: 'must be on or after the first due date' } };
    total = Math.floor(daysBetween(dueOn, endsOn) / step) + 1;
    if (total > MAX_OCCURRENCES) return { fields: { endsOn: `makes more than ${MAX_OCCURRENCES} occurrences: choose an earlier end` } };
  }
  const planned: PlannedOccurrence[] = [];
  for (let i = 0; i < total; i++) {
    const due = addDays(dueOn, i * step);
    planned.push({ seq: i + 1, opensOn: i === 0 ? today : addDays(planned[i - 1]!.dueOn, 1), dueOn: due });
  }
  return planned;
}
