import { RuleViolationError } from '../common/app-error.js';
import type { Db } from '../db/kysely.js';

/**
 * Who does a couple's new homework or measure: its current members, at least
 * two and all active, read inside the assigning transaction. `together` ends
 * the refusal when there are fewer than two ("do it together", "answer together").
 */
export async function currentCoupleMembers(db: Db, practiceId: string, coupleId: string, together: string): Promise<string[]> {
  const members = await db
    .selectFrom('couple_member as cm')
    .innerJoin('client as c', (j) => j.onRef('c.practice_id', '=', 'cm.practice_id').onRef('c.id', '=', 'cm.client_id'))
    .select(['c.id', 'c.status'])
    .where('cm.practice_id', '=', practiceId)
    .where('cm.couple_id', '=', coupleId)
    .where('cm.left_at', 'is', null)
    .execute();
  if (members.length < 2) throw new RuleViolationError('couple_incomplete', `This couple has fewer than two current members, so there is nobody to ${together}.`);
  if (members.some((m) => m.status !== 'active')) {
    throw new RuleViolationError('member_discharged', 'A member of this couple is discharged. Reactivate them, or update the couple’s members, first.');
  }
  return members.map((m) => m.id);
}
