import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { HomeworkStats } from '@tandem/shared';
import { practiceToday, type PracticeScope } from '../practices/practice-today.js';

/**
 * Homework counts for caseload rows: open occurrences due within the coming
 * week, overdue ones, and the last time a member touched a response. Each is
 * an indexed range per client or couple, so a page of rows costs the same at
 * any table size.
 */
@Injectable()
export class HomeworkStatsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async forSubjects(scope: string | PracticeScope, kind: 'client' | 'couple', ids: string[]): Promise<Map<string, HomeworkStats>> {
    if (ids.length === 0) return new Map();
    const practiceId = typeof scope === 'string' ? scope : scope.practiceId;
    const today = await practiceToday(this.db, scope);
    const column = kind === 'client' ? 'client_id' : 'couple_id';
    const ownResponses = kind === 'client' ? 'r.client_id = x.id AND r.couple_id IS NULL' : 'r.couple_id = x.id';
    const rows = (await this.db.query(
      `SELECT x.id,
              (SELECT count(*) FROM assignment_occurrence o
                WHERE o.practice_id = $1 AND o.${column} = x.id AND o.pending > 0 AND NOT o.cancelled
                  AND o.due_on >= $3::date AND o.due_on < $3::date + 7)::int AS due_week,
              (SELECT count(*) FROM assignment_occurrence o
                WHERE o.practice_id = $1 AND o.${column} = x.id AND o.pending > 0 AND NOT o.cancelled AND o.due_on < $3::date)::int AS overdue,
              (SELECT max(r.updated_at) FROM response r WHERE r.practice_id = $1 AND ${ownResponses}) AS last_activity
         FROM unnest($2::uuid[]) AS x(id)`,
      [practiceId, ids, today],
    )) as Array<{ id: string; due_week: number; overdue: number; last_activity: Date | null }>;
    return new Map(rows.map((r) => [r.id, { dueThisWeek: r.due_week, overdue: r.overdue, lastActivityAt: r.last_activity?.toISOString() ?? null }]));
  }

  /** Overdue occurrences across the clients and couples on each clinician's teams. */
  async overdueByClinician(scope: PracticeScope): Promise<Map<string, number>> {
    const practiceId = scope.practiceId;
    const today = await practiceToday(this.db, scope);
    const rows = (await this.db.query(
      // The practice's overdue occurrences are read once along occurrence_open_by_due and matched to
      // care-team rows in memory: one pass, not one index probe per care-team row. An occurrence and a
      // care-team row each name exactly one client or one couple, so the two halves never overlap.
      `SELECT staff_user_id, count(*)::int AS overdue FROM (
         SELECT ct.staff_user_id
           FROM assignment_occurrence o
           JOIN care_team_member ct ON ct.practice_id = o.practice_id AND ct.client_id = o.client_id AND ct.removed_at IS NULL
          WHERE o.practice_id = $1 AND o.pending > 0 AND NOT o.cancelled AND o.due_on < $2::date AND o.client_id IS NOT NULL
         UNION ALL
         SELECT ct.staff_user_id
           FROM assignment_occurrence o
           JOIN care_team_member ct ON ct.practice_id = o.practice_id AND ct.couple_id = o.couple_id AND ct.removed_at IS NULL
          WHERE o.practice_id = $1 AND o.pending > 0 AND NOT o.cancelled AND o.due_on < $2::date AND o.couple_id IS NOT NULL) matched
        GROUP BY staff_user_id`,
      [practiceId, today],
    )) as Array<{ staff_user_id: string; overdue: number }>;
    return new Map(rows.map((r) => [r.staff_user_id, r.overdue]));
  }
}
