import type { HomeworkStatus } from '@tandem/shared';

/** One member's status for one occurrence. */
export function memberStatus(
  occurrence: { dueOn: string; cancelled: boolean },
  response: { status: 'draft' | 'submitted' } | undefined,
  today: string,
): HomeworkStatus {
  if (response?.status === 'submitted') return 'done';
  if (occurrence.cancelled) return 'cancelled';
  if (occurrence.dueOn < today) return 'overdue';
  return response ? 'in-progress' : 'assigned';
}

/** An occurrence's status from its members': done only when everyone is. */
export function occurrenceStatus(members: HomeworkStatus[]): HomeworkStatus {
  if (members.every((s) => s === 'done')) return 'done';
  if (members.includes('cancelled')) return 'cancelled';
  if (members.includes('overdue')) return 'overdue';
  if (members.some((s) => s === 'in-progress' || s === 'done')) return 'in-progress';
  return 'assigned';
}

/** An assignment's status from its counts. */
export function assignmentStatus(a: { cancelled: boolean; done: number; total: number; overdue: number; started: boolean }): HomeworkStatus {
  if (a.done === a.total) return 'done';
  if (a.cancelled) return 'cancelled';
  if (a.overdue > 0) return 'overdue';
  return a.started ? 'in-progress' : 'assigned';
}
