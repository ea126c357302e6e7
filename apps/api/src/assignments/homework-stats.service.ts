import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import type { HomeworkStats } from '@tandem/shared';
import { compiledOnce, compiledPerForm, type Slots } from '../db/compiled-once.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { practiceToday, type PracticeScope } from '../practices/practice-today.js';

/** Per client or couple (`form`): open occurrences due this week, overdue ones, the last answer touched. Compiled per kind: every caseload page reads it. */
const statsOf = compiledPerForm((db, p: Slots<{ practiceId: string; today: string; ids: string[] }>, kind: 'client' | 'couple') => {
  const column = kind === 'client' ? 'o.client_id' : 'o.couple_id';
  const ownResponses = kind === 'client' ? sql<boolean>`r.client_id = x.id AND r.couple_id IS NULL` : sql<boolean>`r.couple_id = x.id`;
  return db.selectFrom(sql<{ id: string }>`unnest(${p.ids}::uuid[])`.as<'x'>(sql`x(id)`)).select((eb) => {
    // Literal predicates, so the planner matches occurrence_open_by_due's partial index.
    const open = eb
      .selectFrom('assignment_occurrence as o')
      .where('o.practice_id', '=', p.practiceId)
      .whereRef(column, '=', 'x.id')
      .where(sql<boolean>`o.pending > 0 AND NOT o.cancelled`);
    return [
      'x.id',
      open
        .where(sql<boolean>`o.due_on >= ${p.today}::date AND o.due_on < ${p.today}::date + 7`)
        .select(sql<number>`count(*)::int`.as('n'))
        .$asScalar()
        .as('due_week'),
      open.where(sql<boolean>`o.due_on < ${p.today}::date`).select(sql<number>`count(*)::int`.as('n')).$asScalar().as('overdue'),
      eb
        .selectFrom('response as r')
        .where('r.practice_id', '=', p.practiceId)
        .where(ownResponses)
        .select(sql<Date | null>`max(r.updated_at)`.as('m'))
        .$asScalar()
        .as('last_activity'),
    ];
  });
});

// The practice's overdue occurrences are read once along occurrence_open_by_due and matched to
// care-team rows in memory: one pass, not one index probe per care-team row. An occurrence and a
// care-team row each name exactly one client or one couple, so the two halves never overlap.
// Compiled once: the admin board reads it on every visit.
const overdueByClinician = compiledOnce((db, p: Slots<{ practiceId: string; today: string }>) => {
  const matched = (subject: 'client_id' | 'couple_id') =>
    db
      .selectFrom('assignment_occurrence as o')
      .innerJoin('care_team_member as ct', (j) =>
        j.onRef('ct.practice_id', '=', 'o.practice_id').onRef(`ct.${subject}`, '=', `o.${subject}`).on(sql<boolean>`ct.removed_at IS NULL`),
      )
      .select('ct.staff_user_id')
      .where('o.practice_id', '=', p.practiceId)
      .where(sql<boolean>`o.pending > 0 AND NOT o.cancelled AND o.due_on < ${p.today}::date`)
      .where(`o.${subject}`, 'is not', null);
  return db
    .selectFrom(matched('client_id').unionAll(matched('couple_id')).as('matched'))
    .select(['matched.staff_user_id', sql<number>`count(*)::int`.as('overdue')])
    .groupBy('matched.staff_user_id');
});

/**
 * Homework counts for caseload rows: open occurrences due within the coming
 * week, overdue ones, and the last time a member touched a response. Each is
 * an indexed range per client or couple, so a page of rows costs the same at
 * any table size.
 */
@Injectable()
export class HomeworkStatsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  async forSubjects(scope: string | PracticeScope, kind: 'client' | 'couple', ids: string[]): Promise<Map<string, HomeworkStats>> {
    if (ids.length === 0) return new Map();
    const practiceId = typeof scope === 'string' ? scope : scope.practiceId;
    const today = await practiceToday(this.db, scope);
    const { rows } = await statsOf.execute(this.kdb, kind, { practiceId, today, ids });
    return new Map(rows.map((r) => [r.id, { dueThisWeek: r.due_week, overdue: r.overdue, lastActivityAt: r.last_activity?.toISOString() ?? null }]));
  }

  /** Overdue occurrences across the clients and couples on each clinician's teams. */
  async overdueByClinician(scope: PracticeScope): Promise<Map<string, number>> {
    const practiceId = scope.practiceId;
    const today = await practiceToday(this.db, scope);
    const { rows } = await overdueByClinician.execute(this.kdb, { practiceId, today });
    return new Map(rows.map((r) => [r.staff_user_id, r.overdue]));
  }
}
