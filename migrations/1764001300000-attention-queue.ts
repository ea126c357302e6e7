import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The clinician's attention queue. A submitted response can now be marked
 * reviewed (when and by whom): the one change, besides re-encryption, that
 * the response guard lets through on a submitted response. Partial indexes
 * hold only what still needs someone (unreviewed answers, draft notes), so a
 * page of the queue reads the same few index entries however long the
 * practice's history is.
 *
 * Answers submitted before the queue existed and more than 30 days ago are
 * taken as reviewed (`reviewed_by` stays empty: nobody is named for them), so
 * an upgrade does not bury a clinician under a year of old submissions.
 */
export class AttentionQueue1764001300000 implements MigrationInterface {
  name = 'AttentionQueue1764001300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE response ADD COLUMN reviewed_at timestamptz, ADD COLUMN reviewed_by uuid`);
    await q.query(`ALTER TABLE response ADD CONSTRAINT response_reviewed_by FOREIGN KEY (practice_id, reviewed_by) REFERENCES staff_user (practice_id, id)`);
    await q.query(`ALTER TABLE response ADD CONSTRAINT response_reviewed_when_submitted CHECK (reviewed_at IS NULL OR status = 'submitted')`);
    await q.query(`ALTER TABLE response ADD CONSTRAINT response_reviewer_needs_time CHECK (reviewed_by IS NULL OR reviewed_at IS NOT NULL)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION response_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF OLD.status = 'submitted' THEN
            RAISE EXCEPTION 'a submitted response cannot be deleted' USING ERRCODE = 'restrict_violation';
          END IF;
          RETURN OLD;
        END IF;
        IF OLD.status = 'submitted' THEN
          -- Re-encryption under a new key: same content, new ciphertext, everything else untouched.
          IF current_setting('tandem.rekey', true) = 'on'
             AND (NEW.practice_id, NEW.id, NEW.assignment_id, NEW.seq, NEW.client_id, NEW.status, NEW.version, NEW.submission_id, NEW.submitted_at,
                  NEW.reviewed_at, NEW.reviewed_by)
                 IS NOT DISTINCT FROM (OLD.practice_id, OLD.id, OLD.assignment_id, OLD.seq, OLD.client_id, OLD.status, OLD.version, OLD.submission_id,
                  OLD.submitted_at, OLD.reviewed_at, OLD.reviewed_by) THEN
            RETURN NEW;
          END IF;
          -- Marking reviewed, once: only the review columns change.
          IF OLD.reviewed_at IS NULL AND NEW.reviewed_at IS NOT NULL
             AND (NEW.practice_id, NEW.id, NEW.assignment_id, NEW.seq, NEW.client_id, NEW.couple_id, NEW.status, NEW.key_id, NEW.answers_enc,
                  NEW.version, NEW.submission_id, NEW.created_at, NEW.updated_at, NEW.submitted_at)
                 IS NOT DISTINCT FROM (OLD.practice_id, OLD.id, OLD.assignment_id, OLD.seq, OLD.client_id, OLD.couple_id, OLD.status, OLD.key_id,
                  OLD.answers_enc, OLD.version, OLD.submission_id, OLD.created_at, OLD.updated_at, OLD.submitted_at) THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'a submitted response cannot be changed' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`UPDATE response SET reviewed_at = now() WHERE status = 'submitted' AND submitted_at < now() - interval '30 days'`);
    await q.query(
      `CREATE INDEX response_unreviewed_individual ON response (practice_id, client_id, submitted_at DESC, id DESC)
        WHERE status = 'submitted' AND reviewed_at IS NULL AND couple_id IS NULL`,
    );
    await q.query(
      `CREATE INDEX response_unreviewed_couple ON response (practice_id, couple_id, submitted_at DESC, id DESC)
        WHERE status = 'submitted' AND reviewed_at IS NULL AND couple_id IS NOT NULL`,
    );
    // Open occurrences in the queue's order (due date, then assignment and sequence), so that many due the same day cost no sort.
    await q.query(`DROP INDEX occurrence_open_by_client`);
    await q.query(`DROP INDEX occurrence_open_by_couple`);
    await q.query(
      `CREATE INDEX occurrence_open_by_client ON assignment_occurrence (practice_id, client_id, due_on, assignment_id, seq) WHERE pending > 0 AND NOT cancelled AND client_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX occurrence_open_by_couple ON assignment_occurrence (practice_id, couple_id, due_on, assignment_id, seq) WHERE pending > 0 AND NOT cancelled AND couple_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX session_note_draft_by_author ON session_note (practice_id, author_id, created_at DESC, id DESC) WHERE status = 'draft'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX session_note_draft_by_author`);
    await q.query(`DROP INDEX occurrence_open_by_client`);
    await q.query(`DROP INDEX occurrence_open_by_couple`);
    await q.query(
      `CREATE INDEX occurrence_open_by_client ON assignment_occurrence (practice_id, client_id, due_on) WHERE pending > 0 AND NOT cancelled AND client_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX occurrence_open_by_couple ON assignment_occurrence (practice_id, couple_id, due_on) WHERE pending > 0 AND NOT cancelled AND couple_id IS NOT NULL`,
    );
    await q.query(`DROP INDEX response_unreviewed_couple`);
    await q.query(`DROP INDEX response_unreviewed_individual`);
    await q.query(`
      CREATE OR REPLACE FUNCTION response_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF OLD.status = 'submitted' THEN
            RAISE EXCEPTION 'a submitted response cannot be deleted' USING ERRCODE = 'restrict_violation';
          END IF;
          RETURN OLD;
        END IF;
        IF OLD.status = 'submitted' THEN
          IF current_setting('tandem.rekey', true) = 'on'
             AND (NEW.practice_id, NEW.id, NEW.assignment_id, NEW.seq, NEW.client_id, NEW.status, NEW.version, NEW.submission_id, NEW.submitted_at)
                 IS NOT DISTINCT FROM (OLD.practice_id, OLD.id, OLD.assignment_id, OLD.seq, OLD.client_id, OLD.status, OLD.version, OLD.submission_id, OLD.submitted_at) THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'a submitted response cannot be changed' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`ALTER TABLE response DROP CONSTRAINT response_reviewer_needs_time, DROP CONSTRAINT response_reviewed_when_submitted, DROP CONSTRAINT response_reviewed_by`);
    await q.query(`ALTER TABLE response DROP COLUMN reviewed_by, DROP COLUMN reviewed_at`);
  }
}
