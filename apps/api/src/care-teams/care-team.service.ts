import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { CareTeamMember, CareTeamRole } from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { ValidationFailedError } from '../common/app-error.js';
import type { SqlRunner } from '../common/sql.js';
import { kyselyOn } from '../db/kysely.js';

/**
 * A client's or couple's primary clinician, for list and detail reads:
 * `.leftJoinLateral(primaryClinician('client_id'), (j) => j.onTrue())` on a
 * client or couple aliased `c` gives `p.staff_user_id` and `p.name`.
 */
export const primaryClinician = (column: 'client_id' | 'couple_id') =>
  sql<{ staff_user_id: string; name: string }>`(
    SELECT ct.staff_user_id, u.name FROM care_team_member ct
      JOIN staff_user u ON u.practice_id = ct.practice_id AND u.id = ct.staff_user_id
     WHERE ct.practice_id = c.practice_id AND ct.${sql.raw(column)} = c.id AND ct.role = 'primary' AND ct.removed_at IS NULL
  )`.as('p');

/** True when client `c` is a current member of a couple that has a primary clinician. */
export const IN_COUPLE_WITH_CLINICIAN = `EXISTS (
  SELECT 1 FROM couple_member cm JOIN care_team_member ct ON ct.practice_id = cm.practice_id AND ct.couple_id = cm.couple_id
   WHERE cm.practice_id = c.practice_id AND cm.client_id = c.id AND cm.left_at IS NULL AND ct.role = 'primary' AND ct.removed_at IS NULL)`;

/** A care-team change as the audit log keeps it: staff ids before and after. */
export interface CareTeamChange {
  primary: string;
  others: string[];
  previousPrimary: string | null;
  previousOthers: string[];
}

export type CareTeamSubject = { clientId: string } | { coupleId: string };

const column = (s: CareTeamSubject) => ('clientId' in s ? ('client_id' as const) : ('couple_id' as const));
const idOf = (s: CareTeamSubject) => ('clientId' in s ? s.clientId : s.coupleId);

/** Care teams of clients and couples: one primary clinician and optional others, with history kept. */
@Injectable()
export class CareTeamService {
  constructor(@Inject(AccessService) private readonly access: AccessService) {}

  async members(runner: SqlRunner, practiceId: string, subject: CareTeamSubject): Promise<CareTeamMember[]> {
    const rows = await kyselyOn(runner)
      .selectFrom('care_team_member as ct')
      .innerJoin('staff_user as u', (j) => j.onRef('u.practice_id', '=', 'ct.practice_id').onRef('u.id', '=', 'ct.staff_user_id'))
      .select((eb) => ['ct.staff_user_id', 'u.name', eb.ref('ct.role').$castTo<CareTeamRole>().as('role'), 'ct.added_at'])
      .where('ct.practice_id', '=', practiceId)
      .where(`ct.${column(subject)}`, '=', idOf(subject))
      .where('ct.removed_at', 'is', null)
      .orderBy('ct.role')
      .orderBy('u.name')
      .execute();
    return rows.map((r) => ({ staffId: r.staff_user_id, name: r.name, role: r.role, addedAt: r.added_at.toISOString() }));
  }

  /**
   * Replaces the team: people who leave get removed_at, role changes are a
   * removal plus an addition (so history shows when someone became primary).
   * Call inside a transaction, after the access check on the subject.
   */
  async replace(tx: SqlRunner, actor: StaffActor, subject: CareTeamSubject, primaryId: string, otherIds: string[]): Promise<CareTeamChange> {
    const others = otherIds.filter((id) => id !== primaryId);
    if (others.length !== otherIds.length) {
      throw new ValidationFailedError({ otherClinicianIds: 'must not include the primary clinician' });
    }
    await this.access.assertClinicians(actor, [primaryId, ...others], tx);
    const wanted = new Map<string, CareTeamRole>([[primaryId, 'primary'], ...others.map((id) => [id, 'secondary'] as [string, CareTeamRole])]);
    const db = kyselyOn(tx);
    const current = await db
      .selectFrom('care_team_member')
      .select((eb) => ['staff_user_id', eb.ref('role').$castTo<CareTeamRole>().as('role')])
      .where('practice_id', '=', actor.practiceId)
      .where(column(subject), '=', idOf(subject))
      .where('removed_at', 'is', null)
      .forUpdate()
      .execute();
    const previous = {
      previousPrimary: current.find((m) => m.role === 'primary')?.staff_user_id ?? null,
      previousOthers: current.filter((m) => m.role === 'secondary').map((m) => m.staff_user_id),
    };
    const leaving = current.filter((m) => wanted.get(m.staff_user_id) !== m.role).map((m) => m.staff_user_id);
    if (leaving.length > 0) {
      await db
        .updateTable('care_team_member')
        .set({ removed_at: sql`now()` })
        .where('practice_id', '=', actor.practiceId)
        .where(column(subject), '=', idOf(subject))
        .where(sql<boolean>`staff_user_id = ANY(${leaving}::uuid[])`)
        .where('removed_at', 'is', null)
        .execute();
    }
    const staying = new Set(current.filter((m) => !leaving.includes(m.staff_user_id)).map((m) => m.staff_user_id));
    for (const [staffId, role] of wanted) {
      if (staying.has(staffId)) continue;
      await db
        .insertInto('care_team_member')
        .values({ practice_id: actor.practiceId, [column(subject)]: idOf(subject), staff_user_id: staffId, role })
        .execute();
    }
    return { primary: primaryId, others, ...previous };
  }
}
