import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff accounts as a health-records system guards them: two-factor sign-in
 * (TOTP secrets encrypted under the data key, hashed single-use recovery
 * codes, a practice-wide requirement), the device and address of each
 * session, and emergency access to a record outside one's care team with the
 * notices it sends to the care team and admins.
 */
export class StaffAccounts1764001100000 implements MigrationInterface {
  name = 'StaffAccounts1764001100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE practice ADD COLUMN require_two_factor boolean NOT NULL DEFAULT false`);

    // One authenticator per person. confirmed_at is null while enrolment waits for a first code.
    await q.query(`
      CREATE TABLE staff_totp (
        id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
        practice_id uuid NOT NULL,
        staff_user_id uuid NOT NULL,
        key_id text NOT NULL,
        secret_enc bytea NOT NULL,
        confirmed_at timestamptz,
        last_time_step bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (practice_id, staff_user_id),
        FOREIGN KEY (practice_id, staff_user_id) REFERENCES staff_user (practice_id, id)
      )`);
    await q.query(`
      CREATE TABLE staff_recovery_code (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        staff_user_id uuid NOT NULL,
        code_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz,
        FOREIGN KEY (practice_id, staff_user_id) REFERENCES staff_user (practice_id, id)
      )`);
    await q.query(`CREATE INDEX staff_recovery_code_open ON staff_recovery_code (practice_id, staff_user_id) WHERE used_at IS NULL`);

    // The password step passed; the second step (a code, or enrolment) is still to come.
    await q.query(`
      CREATE TABLE staff_sign_in_challenge (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        staff_user_id uuid NOT NULL,
        token_hash bytea NOT NULL UNIQUE,
        purpose text NOT NULL CHECK (purpose IN ('verify', 'enrol')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        FOREIGN KEY (practice_id, staff_user_id) REFERENCES staff_user (practice_id, id)
      )`);
    await q.query(`CREATE INDEX staff_sign_in_challenge_user ON staff_sign_in_challenge (practice_id, staff_user_id)`);

    // Where a session was opened from, for the sessions page.
    await q.query(`ALTER TABLE staff_session ADD COLUMN ip inet, ADD COLUMN user_agent text`);
    await q.query(`CREATE INDEX staff_session_practice_user_open ON staff_session (practice_id, staff_user_id, last_seen_at DESC, id) WHERE revoked_at IS NULL`);

    await q.query(`
      CREATE TABLE emergency_access (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        staff_user_id uuid NOT NULL,
        client_id uuid NOT NULL,
        key_id text NOT NULL,
        reason_enc bytea NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        PRIMARY KEY (practice_id, id),
        FOREIGN KEY (practice_id, staff_user_id) REFERENCES staff_user (practice_id, id),
        FOREIGN KEY (practice_id, client_id) REFERENCES client (practice_id, id),
        CHECK (expires_at > started_at)
      )`);
    await q.query(`CREATE UNIQUE INDEX emergency_access_id ON emergency_access (id)`);
    await q.query(`CREATE INDEX emergency_access_by_staff ON emergency_access (practice_id, staff_user_id, started_at DESC, id)`);

    // One notice per person told (the client's care team and the admins at the time).
    await q.query(`
      CREATE TABLE emergency_access_notice (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL,
        emergency_access_id uuid NOT NULL,
        recipient_id uuid NOT NULL,
        reason text NOT NULL CHECK (reason IN ('care_team', 'admin')),
        created_at timestamptz NOT NULL DEFAULT now(),
        seen_at timestamptz,
        PRIMARY KEY (practice_id, id),
        UNIQUE (practice_id, emergency_access_id, recipient_id),
        FOREIGN KEY (practice_id, emergency_access_id) REFERENCES emergency_access (practice_id, id),
        FOREIGN KEY (practice_id, recipient_id) REFERENCES staff_user (practice_id, id)
      )`);
    await q.query(`CREATE INDEX emergency_access_notice_inbox ON emergency_access_notice (practice_id, recipient_id, created_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE emergency_access_notice`);
    await q.query(`DROP TABLE emergency_access`);
    await q.query(`DROP INDEX staff_session_practice_user_open`);
    await q.query(`ALTER TABLE staff_session DROP COLUMN ip, DROP COLUMN user_agent`);
    await q.query(`DROP TABLE staff_sign_in_challenge`);
    await q.query(`DROP TABLE staff_recovery_code`);
    await q.query(`DROP TABLE staff_totp`);
    await q.query(`ALTER TABLE practice DROP COLUMN require_two_factor`);
  }
}
