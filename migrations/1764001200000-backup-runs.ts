import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every backup run, good or failed, so that admins see the last good backup
 * and the last failure. Backups are of the whole installation, not of one
 * practice, so this table has no practice_id.
 */
export class BackupRuns1764001200000 implements MigrationInterface {
  name = 'BackupRuns1764001200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE backup_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trigger text NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('ok', 'failed')),
        file_name text CHECK (length(file_name) <= 255),
        bytes bigint CHECK (bytes >= 0),
        schema_version text,
        message text CHECK (length(message) <= 2000),
        CHECK ((outcome = 'ok') = (file_name IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX backup_run_latest ON backup_run (outcome, finished_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE backup_run`);
  }
}
