import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outcome measures. A measure is given as homework: an ordinary assignment
 * whose stored exercise is the instrument (so occurrences, reminders, drafts
 * and submission are homework's own), plus a `measure_assignment` row naming
 * the instrument and how many weeks apart it repeats.
 *
 * Each submitted measure is scored on the server into `measure_score`, in the
 * submit transaction. The item answers stay encrypted in `response`; the
 * total is stored in clear so that charts, caseload directions and the
 * admins' counts are indexed reads. Scores are append-only, like the
 * responses they come from.
 */
export class OutcomeMeasures1764100000000 implements MigrationInterface {
  name = 'OutcomeMeasures1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE measure_assignment (
        practice_id uuid NOT NULL,
        assignment_id uuid NOT NULL,
        measure text NOT NULL CHECK (measure IN ('phq-9', 'gad-7', 'pcl-5', 'csi-4')),
        every_weeks smallint CHECK (every_weeks BETWEEN 1 AND 12),
        PRIMARY KEY (practice_id, assignment_id),
        FOREIGN KEY (practice_id, assignment_id) REFERENCES assignment (practice_id, id)
      )`);
    await q.query(`
      CREATE TABLE measure_score (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        response_id uuid NOT NULL,
        assignment_id uuid NOT NULL,
        seq integer NOT NULL,
        client_id uuid NOT NULL,
        couple_id uuid,
        measure text NOT NULL CHECK (measure IN ('phq-9', 'gad-7', 'pcl-5', 'csi-4')),
        total smallint NOT NULL CHECK (total BETWEEN 0 AND 80),
        taken_at timestamptz NOT NULL,
        PRIMARY KEY (practice_id, id),
        UNIQUE (practice_id, response_id),
        FOREIGN KEY (practice_id, response_id) REFERENCES response (practice_id, id),
        FOREIGN KEY (practice_id, client_id) REFERENCES client (practice_id, id),
        FOREIGN KEY (practice_id, couple_id) REFERENCES couple (practice_id, id)
      )`);
    // A client's own measures, a couple's, and any of a client's (the caseload's latest, the admins' 30-day counts).
    await q.query(`CREATE INDEX measure_score_by_client ON measure_score (practice_id, client_id, taken_at DESC, id DESC) WHERE couple_id IS NULL`);
    await q.query(`CREATE INDEX measure_score_by_couple ON measure_score (practice_id, couple_id, taken_at DESC, id DESC) WHERE couple_id IS NOT NULL`);
    await q.query(`CREATE INDEX measure_score_by_person ON measure_score (practice_id, client_id, measure, taken_at DESC)`);
    await q.query(`
      CREATE FUNCTION measure_score_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a measure score cannot be changed or deleted' USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`CREATE TRIGGER measure_score_guard BEFORE UPDATE OR DELETE ON measure_score FOR EACH ROW EXECUTE FUNCTION measure_score_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE measure_score`);
    await q.query(`DROP FUNCTION measure_score_guard`);
    await q.query(`DROP TABLE measure_assignment`);
  }
}
