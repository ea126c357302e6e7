import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CaseloadBoard } from '@tandem/shared';
import { HomeworkStatsService } from '../assignments/homework-stats.service.js';
import type { StaffActor } from '../access/actor.js';
import { IN_COUPLE_WITH_CLINICIAN } from '../care-teams/care-team.service.js';

/** The admin's board: each clinician's load, and who has nobody yet. */
@Injectable()
export class CaseloadsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(HomeworkStatsService) private readonly homework: HomeworkStatsService,
  ) {}

  async board(actor: StaffActor): Promise<CaseloadBoard> {
    const clinicians = (await this.db.query(
      // One pass over the practice's open care-team rows, joined to its active clients (both read by
      // practice_id first), instead of one client look-up per care-team row for every clinician.
      `WITH counts AS (
         SELECT ct.staff_user_id,
                count(c.id)::int AS active_clients,
                count(ct.couple_id)::int AS couples
           FROM care_team_member ct
           LEFT JOIN client c ON c.practice_id = ct.practice_id AND c.id = ct.client_id AND c.status = 'active'
          WHERE ct.practice_id = $1 AND ct.removed_at IS NULL
          GROUP BY ct.staff_user_id)
       SELECT u.id, u.name, u.active, COALESCE(k.active_clients, 0) AS active_clients, COALESCE(k.couples, 0) AS couples
         FROM staff_user u LEFT JOIN counts k ON k.staff_user_id = u.id
        WHERE u.practice_id = $1 AND 'clinician' = ANY(u.roles) AND (u.active OR k.staff_user_id IS NOT NULL)
        ORDER BY u.active DESC, u.name, u.id`,
      [actor.practiceId],
    )) as Array<{ id: string; name: string; active: boolean; active_clients: number; couples: number }>;
    const [unassigned] = (await this.db.query(
      `SELECT
         (SELECT count(*) FROM client c WHERE c.practice_id = $1 AND c.status = 'active' AND NOT EXISTS (
            SELECT 1 FROM care_team_member ct WHERE ct.practice_id = c.practice_id AND ct.client_id = c.id AND ct.role = 'primary' AND ct.removed_at IS NULL)
            AND NOT ${IN_COUPLE_WITH_CLINICIAN})::int AS clients,
         (SELECT count(*) FROM couple c WHERE c.practice_id = $1 AND NOT EXISTS (
            SELECT 1 FROM care_team_member ct WHERE ct.practice_id = c.practice_id AND ct.couple_id = c.id AND ct.role = 'primary' AND ct.removed_at IS NULL))::int AS couples`,
      [actor.practiceId],
    )) as Array<{ clients: number; couples: number }>;
    const overdue = await this.homework.overdueByClinician(actor);
    return {
      clinicians: clinicians.map((c) => ({
        overdue: overdue.get(c.id) ?? 0,
        clinician: { id: c.id, name: c.name, active: c.active },
        activeClients: c.active_clients,
        couples: c.couples,
      })),
      unassignedClients: unassigned!.clients,
      unassignedCouples: unassigned!.couples,
    };
  }
}
