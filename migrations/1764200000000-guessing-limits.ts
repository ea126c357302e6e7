import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counters of the limits on guessing (wrong passwords and two-factor codes,
 * unknown portal links, reset requests), shared by every API process on the
 * database instead of kept in each process's memory. The layout is the one
 * rate-limiter-flexible's PostgreSQL store reads and writes: a key, the points
 * spent, and when the window ends (milliseconds since the epoch). Keys are
 * SHA-256 digests of "limit:subject", so the table holds no email address or
 * IP address. Not practice data: one email or address is counted across
 * practices, so the table has no practice_id.
 */
export class GuessingLimits1764200000000 implements MigrationInterface {
  name = 'GuessingLimits1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE guessing_limit (
        key text PRIMARY KEY CHECK (length(key) <= 100),
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
    await q.query(`CREATE INDEX guessing_limit_expire ON guessing_limit (expire)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE guessing_limit`);
  }
}
