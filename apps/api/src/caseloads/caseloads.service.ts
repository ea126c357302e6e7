import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { CaseloadBoard } from '@tandem/shared';
import { HomeworkStatsService } from '../assignments/homework-stats.service.js';
import type { StaffActor } from '../access/actor.js';
import { IN_COUPLE_WITH_CLINICIAN } from '../care-teams/care-team.service.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { compiledOnce, type Slots } from '../db/compiled-once.js';

/**
 * Each clinician's active clients and couples: one pass over the practice's open care-team rows,
 * joined to its active clients (both read by practice_id first), instead of one client look-up per
 * care-team row for every clinician. Compiled once, as the next: the board reads them on every visit.
 */
const clinicianLoads = compiledOnce((kdb, p: Slots<{ practiceId: string }>) =>
  kdb
    .with('counts', (db) =>
      db
        .selectFrom('care_team_member as ct')
        .leftJoin('client as c', (join) => join.onRef('c.practice_id', '=', 'ct.practice_id').onRef('c.id', '=', 'ct.client_id').on(sql<boolean>`c.status = 'active'`))
        .select(['ct.staff_user_id', sql<number>`count(c.id)::int`.as('active_clients'), sql<number>`count(ct.couple_id)::int`.as('couples')])
        .where('ct.practice_id', '=', p.practiceId)
        .where('ct.removed_at', 'is', null)
        .groupBy('ct.staff_user_id'),
    )
    .selectFrom('staff_user as u')
    .leftJoin('counts as k', 'k.staff_user_id', 'u.id')
    .select(['u.id', 'u.name', 'u.active', sql<number>`COALESCE(k.active_clients, 0)`.as('active_clients'), sql<number>`COALESCE(k.couples, 0)`.as('couples')])
    .where('u.practice_id', '=', p.practiceId)
    .where(sql<boolean>`'clinician' = ANY(u.roles) AND (u.active OR k.staff_user_id IS NOT NULL)`)
    .orderBy('u.active', 'desc')
    .orderBy('u.name')
    .orderBy('u.id'),
);

/** Active clients and couples with no primary clinician (a client in a couple that has one counts as covered). */
const unassignedCounts = compiledOnce((kdb, p: Slots<{ practiceId: string }>) =>
  kdb.selectNoFrom([
    sql<number>`(SELECT count(*) FROM client c WHERE c.practice_id = ${p.practiceId} AND c.status = 'active' AND NOT EXISTS (
        SELECT 1 FROM care_team_member ct WHERE ct.practice_id = c.practice_id AND ct.client_id = c.id AND ct.role = 'primary' AND ct.removed_at IS NULL)
        AND NOT ${sql.raw(IN_COUPLE_WITH_CLINICIAN)})::int`.as('clients'),
    sql<number>`(SELECT count(*) FROM couple c WHERE c.practice_id = ${p.practiceId} AND NOT EXISTS (
        SELECT 1 FROM care_team_member ct WHERE ct.practice_id = c.practice_id AND ct.couple_id = c.id AND ct.role = 'primary' AND ct.removed_at IS NULL))::int`.as('couples'),
  ]),
);

/** The admin's board: each clinician's load, and who has nobody yet. */
@Injectable()
export class CaseloadsService {
  constructor(
    @InjectKysely() private readonly kdb: Db,
    @Inject(HomeworkStatsService) private readonly homework: HomeworkStatsService,
  ) {}

  async board(actor: StaffActor): Promise<CaseloadBoard> {
    const { rows: clinicians } = await clinicianLoads.execute(this.kdb, { practiceId: actor.practiceId });
    const unassigned = (await unassignedCounts.first(this.kdb, { practiceId: actor.practiceId }))!;
    const overdue = await this.homework.overdueByClinician(actor);
    return {
      clinicians: clinicians.map((c) => ({
        overdue: overdue.get(c.id) ?? 0,
        clinician: { id: c.id, name: c.name, active: c.active },
        activeClients: c.active_clients,
        couples: c.couples,
      })),
      unassignedClients: unassigned.clients,
      unassignedCouples: unassigned.couples,
    };
  }
}
