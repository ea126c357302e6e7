import type { HomeworkStatus } from '@tandem/shared';

/** Query keys of the portal (its own small app, with its own cache). */
export const portalKeys = {
  all: () => ['portal'] as const,
  me: () => ['portal', 'me'] as const,
  home: () => ['portal', 'home'] as const,
  occurrence: (assignmentId: string, seq: number) => ['portal', 'occurrence', assignmentId, seq] as const,
};

/** Status in the words a client reads. */
export const STATUS_WORDS: Record<HomeworkStatus, string> = {
  assigned: 'Not started',
  'in-progress': 'Started',
  done: 'Done',
  overdue: 'Past due',
  cancelled: 'No longer needed',
};

/** "Friday 27 November" from 2026-11-27. */
export function formatDay(date: string): string {
  return new Date(`${date}T12:00:00`).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
}
