import { sql } from 'kysely';
import type { SqlRunner } from '../common/sql.js';
import { kyselyOn } from '../db/kysely.js';

/** A practice, and its date when this request's session look-up already read it. */
export interface PracticeScope {
  practiceId: string;
  /** Today in the practice's time zone, read with the request's session (see access.guard.ts). */
  today?: string;
}

/**
 * Today's date in the practice's time zone (YYYY-MM-DD): due and overdue are counted in the practice's days.
 * An actor carries it from its session look-up (the same statement, a moment earlier in the same request),
 * which saves a round trip; otherwise it is read here.
 */
export async function practiceToday(runner: SqlRunner, of: string | PracticeScope): Promise<string> {
  if (typeof of !== 'string' && of.today) return of.today;
  const practiceId = typeof of === 'string' ? of : of.practiceId;
  const row = await kyselyOn(runner)
    .selectFrom('practice')
    .select(sql<string>`to_char((now() AT TIME ZONE timezone)::date, 'YYYY-MM-DD')`.as('today'))
    .where('id', '=', practiceId)
    .executeTakeFirstOrThrow();
  return row.today;
}
