import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { CaseloadBoard } from '@tandem/shared';
import { HomeworkStatsService } from '../assignments/homework-stats.service.js';
import type { StaffActor } from '../access/actor.js';
import { IN_COUPLE_WITH_CLINICIAN } from '../care-teams/care-team.service.js';
import { InjectKysely, type Db } from '../db/kysely.js';

/** The admin's board: each clinician's load, and who has nobody yet. */
@Injectable()
export class CaseloadsService {
  constructor(
    @InjectKysely() private readonly kdb: Db,
    @Inject(HomeworkStatsService) private readonly homework: HomeworkStatsService,
  ) {}

  async board(actor: StaffActor): Promise<CaseloadBoard> {
    const clinicians = await this.kdb
      .selectFrom('staff_user as u')
      .select([
        'u.id',
        'u.name',
        'u.active',
        sql<number>`(SELECT count(*) FROM care_team_member ct JOIN client c ON c.practice_id = ct.practice_id AND c.id = ct.client_id
                      WHERE ct.practice_id = u.practice_id AND ct.staff_user_id = u.id AND ct.removed_at IS NULL AND c.status = 'active')::int`.as('active_clients'),
        sql<number>`(SELECT count(*) FROM care_team_member ct
                      WHERE ct.practice_id = u.practice_id AND ct.staff_user_id = u.id AND ct.removed_at IS NULL AND ct.couple_id IS NOT NULL)::int`.as('couples'),
      ])
      .where('u.practice_id', '=', actor.practiceId)
      .where(sql<boolean>`'clinician' = ANY(u.roles) AND (u.active OR EXISTS (
                SELECT 1 FROM care_team_member ct WHERE ct.practice_id = u.practice_id AND ct.staff_user_id = u.id AND ct.removed_at IS NULL))`)
      .orderBy('u.active', 'desc')
      .orderBy('u.name')
      .orderBy('u.id')
      .execute();
    const unassigned = await this.kdb
      .selectNoFrom([
        sql<number>`(SELECT count(*) FROM client c WHERE c.practice_id = ${actor.practiceId} AND c.status = 'active' AND NOT EXISTS (
            SELECT 1 FROM care_team_member ct WHERE ct.practice_id = c.practice_id AND ct.client_id = c.id AND ct.role = 'primary' AND ct.removed_at IS NULL)
            AND NOT ${sql.raw(IN_COUPLE_WITH_CLINICIAN)})::int`.as('clients'),
        sql<number>`(SELECT count(*) FROM couple c WHERE c.practice_id = ${actor.practiceId} AND NOT EXISTS (
            SELECT 1 FROM care_team_member ct WHERE ct.practice_id = c.practice_id AND ct.couple_id = c.id AND ct.role = 'primary' AND ct.removed_at IS NULL))::int`.as('couples'),
      ])
      .executeTakeFirstOrThrow();
    const overdue = await this.homework.overdueByClinician(actor.practiceId);
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
