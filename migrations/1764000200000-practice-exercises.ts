import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Practice-authored exercises. Built-in exercises live in code
 * (packages/shared); a practice's own are rows here. Every edit appends a
 * version; versions are never changed, so an assignment can keep the one it
 * was given.
 */
export class PracticeExercises1764000200000 implements MigrationInterface {
  name = 'PracticeExercises1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exercise (
        practice_id uuid NOT NULL REFERENCES practice(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
        current_version integer NOT NULL DEFAULT 1,
        author_id uuid NOT NULL,
        copied_from text,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- Denormalised from the current version, for filtering and sorting lists.
        title text NOT NULL,
        theme text NOT NULL,
        audience text NOT NULL CHECK (audience IN ('individual', 'couple', 'either')),
        recurring boolean NOT NULL DEFAULT false,
        source_seed text,
        PRIMARY KEY (practice_id, id),
        UNIQUE (practice_id, slug),
        FOREIGN KEY (practice_id, author_id) REFERENCES staff_user (practice_id, id)
      )`);
    await q.query(`CREATE INDEX exercise_practice_title ON exercise (practice_id, lower(title), id)`);
    await q.query(`
      CREATE TABLE exercise_version (
        practice_id uuid NOT NULL,
        exercise_id uuid NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        definition jsonb NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (practice_id, exercise_id, version),
        FOREIGN KEY (practice_id, exercise_id) REFERENCES exercise (practice_id, id),
        FOREIGN KEY (practice_id, created_by) REFERENCES staff_user (practice_id, id)
      )`);
    await q.query(`
      CREATE FUNCTION exercise_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'exercise versions cannot be changed or deleted' USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER exercise_version_immutable BEFORE UPDATE OR DELETE ON exercise_version
        FOR EACH ROW EXECUTE FUNCTION exercise_version_immutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE exercise_version`);
    await q.query(`DROP FUNCTION exercise_version_immutable`);
    await q.query(`DROP TABLE exercise`);
  }
}
