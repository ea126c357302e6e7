import { sql } from 'kysely';
import type { SqlRunner } from '../common/sql.js';
import { kyselyOn } from '../db/kysely.js';

/** Today's date in the practice's time zone (YYYY-MM-DD): due and overdue are counted in the practice's days. */
export async function practiceToday(runner: SqlRunner, practiceId: string): Promise<string> {
  const row = await kyselyOn(runner)
    .selectFrom('practice')
    .select(sql<string>`to_char((now() AT TIME ZONE timezone)::date, 'YYYY-MM-DD')`.as('today'))
    .where('id', '=', practiceId)
    .executeTakeFirstOrThrow();
  return row.today;
}
