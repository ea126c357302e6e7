import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE practice (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        timezone text NOT NULL DEFAULT 'UTC',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE staff_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL REFERENCES practice(id),
        email text NOT NULL CHECK (email = lower(email)),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        roles text[] NOT NULL CHECK (cardinality(roles) >= 1 AND roles <@ ARRAY['admin','clinician']::text[]),
        password_hash text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deactivated_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX staff_user_practice_email ON staff_user (practice_id, email)`);
    await q.query(`CREATE INDEX staff_user_email ON staff_user (email)`);
    await q.query(`CREATE INDEX staff_user_practice_name ON staff_user (practice_id, name, id)`);
    await q.query(`
      CREATE TABLE staff_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL REFERENCES practice(id),
        staff_user_id uuid NOT NULL REFERENCES staff_user(id),
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX staff_session_user_open ON staff_session (staff_user_id) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE staff_invite (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL REFERENCES practice(id),
        staff_user_id uuid NOT NULL REFERENCES staff_user(id),
        token_hash bytea NOT NULL UNIQUE,
        created_by uuid REFERENCES staff_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX staff_invite_user ON staff_invite (staff_user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE staff_invite`);
    await q.query(`DROP TABLE staff_session`);
    await q.query(`DROP TABLE staff_user`);
    await q.query(`DROP TABLE practice`);
  }
}
