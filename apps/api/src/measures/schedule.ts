import { MAX_OCCURRENCES } from '@tandem/shared';
import { addDays, daysBetween, planOccurrences, type PlannedOccurrence, type ScheduleProblem } from '../assignments/schedule.js';

/**
 * A measure's occurrences: once (homework's own plan), or every N weeks.
 * Like homework, each repeat opens the day after the previous one was due,
 * so a client has one open at a time and a late one stays open until done.
 */
export function planMeasure(input: { today: string; dueOn: string; everyWeeks?: number; endsOn?: string; count?: number }): PlannedOccurrence[] | ScheduleProblem {
  const { today, dueOn, everyWeeks, endsOn, count } = input;
  if (everyWeeks === undefined) {
    if (endsOn !== undefined) return { fields: { endsOn: 'is only for a measure that repeats: give everyWeeks too' } };
    if (count !== undefined) return { fields: { count: 'is only for a measure that repeats: give everyWeeks too' } };
    return planOccurrences({ today, dueOn, recurrence: 'once' });
  }
  if (dueOn < today) return { fields: { dueOn: 'must be today or later' } };
  if ((endsOn === undefined) === (count === undefined)) {
    const message = endsOn === undefined ? 'give an end date or a number of times' : 'give an end date or a number of times, not both';
    return { fields: { endsOn: message, count: message } };
  }
  const step = 7 * everyWeeks;
  let total = count ?? 0;
  if (endsOn !== undefined) {
    if (endsOn < dueOn) return { fields: { endsOn: 'must be on or after the first due date' } };
    total = Math.floor(daysBetween(dueOn, endsOn) / step) + 1;
    if (total > MAX_OCCURRENCES) return { fields: { endsOn: `makes more than ${MAX_OCCURRENCES} occurrences: choose an earlier end` } };
  }
  const planned: PlannedOccurrence[] = [];
  for (let i = 0; i < total; i++) {
    planned.push({ seq: i + 1, opensOn: i === 0 ? today : addDays(planned[i - 1]!.dueOn, 1), dueOn: addDays(dueOn, i * step) });
  }
  return planned;
}
