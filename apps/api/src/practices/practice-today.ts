import type { SqlRunner } from '../common/sql.js';

/** Today's date in the practice's time zone (YYYY-MM-DD): due and overdue are counted in the practice's days. */
export async function practiceToday(runner: SqlRunner, practiceId: string): Promise<string> {
  const [row] = (await runner.query(`SELECT to_char((now() AT TIME ZONE timezone)::date, 'YYYY-MM-DD') AS today FROM practice WHERE id = $1`, [
    practiceId,
  ])) as Array<{ today: string }>;
  return row!.today;
}
