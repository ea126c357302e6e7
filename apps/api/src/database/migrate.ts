import pg from 'pg';
import type { DataSource } from 'typeorm';

/** The advisory lock every Tandem process takes around its migrations ("TNDMMIG"). */
export const MIGRATION_LOCK_KEY = 0x54_4e_44_4d_4d_49;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so that
 * several API processes starting at once on one database migrate it one after
 * the other: the first applies what is pending, the others wait, then find
 * nothing left to do. TypeORM itself takes no lock. The lock is held on a
 * connection of its own, outside the pool, so a pool of one still migrates.
 */
export async function runMigrationsLocked(db: DataSource): Promise<void> {
  const { url } = db.options as { url?: string };
  const lock = new pg.Client({ connectionString: url, application_name: 'tandem-migrate' });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await db.runMigrations({ transaction: 'each' });
  } finally {
    // Ending the connection releases the lock, whatever happened above.
    await lock.end().catch(() => undefined);
  }
}
