import type { AuditEventView } from '@tandem/shared';

/** Repeated reads of one record by one person closer together than this are one row with a count. */
export const READ_WINDOW_MS = 2 * 60_000;

export interface AuditRow {
  event: AuditEventView;
  /** How many events the row stands for (1 unless it groups repeated reads). */
  count: number;
  /** The earliest of the grouped events. */
  firstAt: string;
}

/**
 * Groups, newest first, reads (`*.read`) of the same record by the same person
 * within READ_WINDOW_MS of the group's earliest read; everything else is a row
 * of its own. Every read is still stored and exported: this is only how the page shows them.
 */
export function groupRepeatedReads(events: AuditEventView[]): AuditRow[] {
  const rows: AuditRow[] = [];
  const open = new Map<string, AuditRow>();
  for (const event of events) {
    if (!event.action.endsWith('.read') || !event.recordId) {
      rows.push({ event, count: 1, firstAt: event.occurredAt });
      continue;
    }
    const key = `${event.actor.kind}:${event.actor.id ?? ''}|${event.action}|${event.recordId}`;
    const group = open.get(key);
    if (group && Date.parse(group.firstAt) - Date.parse(event.occurredAt) <= READ_WINDOW_MS) {
      group.count += 1;
      group.firstAt = event.occurredAt;
      continue;
    }
    const row = { event, count: 1, firstAt: event.occurredAt };
    open.set(key, row);
    rows.push(row);
  }
  return rows;
}
