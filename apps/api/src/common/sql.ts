import type { DataSource, EntityManager } from 'typeorm';

/** What can run SQL: the DataSource, an EntityManager or a transaction's manager (`kyselyOn` gives its typed queries). */
export type SqlRunner = DataSource | EntityManager;

/**
 * Runs an UPDATE or DELETE ... RETURNING and gives back its rows. (TypeORM's
 * query() answers those statements with `[rows, rowCount]`, not with rows.)
 */
export async function modify<T>(runner: SqlRunner, sql: string, parameters: unknown[]): Promise<T[]> {
  const result = await runner.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
