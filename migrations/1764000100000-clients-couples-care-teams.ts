import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clients, couples and care teams. Keys lead with practice_id, and every
 * reference between practice records is a composite foreign key on
 * (practice_id, id): a row can never point into another practice.
 */
export class ClientsCouplesCareTeams1764000100000 implements MigrationInterface {
  name = 'ClientsCouplesCareTeams1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff_user ADD CONSTRAINT staff_user_practice_id_key UNIQUE (practice_id, id)`);
    await q.query(`
      CREATE TABLE client (
        practice_id uuid NOT NULL REFERENCES practice(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        preferred_name text CHECK (length(preferred_name) BETWEEN 1 AND 100),
        email text CHECK (length(email) <= 254),
        phone text CHECK (length(phone) <= 40),
        date_of_birth date,
        preferred_language text NOT NULL DEFAULT 'en' CHECK (length(preferred_language) BETWEEN 2 AND 35),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'discharged')),
        discharged_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        PRIMARY KEY (practice_id, id),
        CHECK ((status = 'discharged') = (discharged_at IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX client_id ON client (id)`);
    await q.query(`CREATE INDEX client_practice_name ON client (practice_id, lower(name), id)`);
    await q.query(`CREATE INDEX client_practice_status_name ON client (practice_id, status, lower(name), id)`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);
    await q.query(
      `CREATE INDEX client_name_search ON client USING gin (practice_id, (lower(name || ' ' || coalesce(preferred_name, ''))) gin_trgm_ops)`,
    );

    await q.query(`
      CREATE TABLE couple (
        practice_id uuid NOT NULL REFERENCES practice(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        conjoint_safety text NOT NULL DEFAULT 'unscreened' CHECK (conjoint_safety IN ('unscreened', 'cleared', 'concern')),
        safety_note text CHECK (length(safety_note) <= 2000),
        safety_set_by uuid,
        safety_set_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        PRIMARY KEY (practice_id, id),
        FOREIGN KEY (practice_id, safety_set_by) REFERENCES staff_user (practice_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX couple_id ON couple (id)`);
    await q.query(`CREATE INDEX couple_practice_name ON couple (practice_id, lower(display_name), id)`);

    await q.query(`
      CREATE TABLE couple_member (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        couple_id uuid NOT NULL,
        client_id uuid NOT NULL,
        joined_at timestamptz NOT NULL DEFAULT now(),
        left_at timestamptz,
        PRIMARY KEY (practice_id, id),
        FOREIGN KEY (practice_id, couple_id) REFERENCES couple (practice_id, id),
        FOREIGN KEY (practice_id, client_id) REFERENCES client (practice_id, id),
        CHECK (left_at IS NULL OR left_at >= joined_at)
      )`);
    await q.query(`CREATE UNIQUE INDEX couple_member_current ON couple_member (practice_id, couple_id, client_id) WHERE left_at IS NULL`);
    await q.query(`CREATE INDEX couple_member_client ON couple_member (practice_id, client_id) WHERE left_at IS NULL`);

    await q.query(`
      CREATE TABLE care_team_member (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        client_id uuid,
        couple_id uuid,
        staff_user_id uuid NOT NULL,
        role text NOT NULL CHECK (role IN ('primary', 'secondary')),
        added_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz,
        PRIMARY KEY (practice_id, id),
        FOREIGN KEY (practice_id, client_id) REFERENCES client (practice_id, id),
        FOREIGN KEY (practice_id, couple_id) REFERENCES couple (practice_id, id),
        FOREIGN KEY (practice_id, staff_user_id) REFERENCES staff_user (practice_id, id),
        CHECK ((client_id IS NULL) <> (couple_id IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX care_team_client_member ON care_team_member (practice_id, client_id, staff_user_id) WHERE removed_at IS NULL AND client_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX care_team_couple_member ON care_team_member (practice_id, couple_id, staff_user_id) WHERE removed_at IS NULL AND couple_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX care_team_client_primary ON care_team_member (practice_id, client_id) WHERE removed_at IS NULL AND role = 'primary' AND client_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX care_team_couple_primary ON care_team_member (practice_id, couple_id) WHERE removed_at IS NULL AND role = 'primary' AND couple_id IS NOT NULL`);
    await q.query(`CREATE INDEX care_team_by_staff ON care_team_member (practice_id, staff_user_id) WHERE removed_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE care_team_member`);
    await q.query(`DROP TABLE couple_member`);
    await q.query(`DROP TABLE couple`);
    await q.query(`DROP TABLE client`);
    await q.query(`ALTER TABLE staff_user DROP CONSTRAINT staff_user_practice_id_key`);
  }
}
