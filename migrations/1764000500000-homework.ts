import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Homework: assignments of a fixed exercise version to a client or a couple,
 * their occurrences (one per due date), each member's response (answers
 * stored only as AES-256-GCM ciphertext), and the portal links and sessions
 * through which clients reach them.
 *
 * `assignment_occurrence.pending` counts the members who have not submitted
 * yet, kept in the same transaction as each submission, so that due and
 * overdue counts for a caseload are one indexed range scan.
 */
export class Homework1764000500000 implements MigrationInterface {
  name = 'Homework1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE assignment (
        practice_id uuid NOT NULL REFERENCES practice(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        client_id uuid,
        couple_id uuid,
        exercise_ref text NOT NULL,
        exercise_version integer NOT NULL CHECK (exercise_version >= 1),
        exercise jsonb NOT NULL,
        instructions text NOT NULL DEFAULT '',
        recurrence text NOT NULL CHECK (recurrence IN ('once', 'daily', 'weekly')),
        occurrence_count integer NOT NULL CHECK (occurrence_count BETWEEN 1 AND 366),
        sharing text CHECK (sharing IN ('private', 'reveal-when-both-done')),
        assigned_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        cancelled_at timestamptz,
        cancelled_by uuid,
        version integer NOT NULL DEFAULT 1,
        PRIMARY KEY (practice_id, id),
        FOREIGN KEY (practice_id, client_id) REFERENCES client (practice_id, id),
        FOREIGN KEY (practice_id, couple_id) REFERENCES couple (practice_id, id),
        FOREIGN KEY (practice_id, assigned_by) REFERENCES staff_user (practice_id, id),
        FOREIGN KEY (practice_id, cancelled_by) REFERENCES staff_user (practice_id, id),
        CHECK ((client_id IS NULL) <> (couple_id IS NULL)),
        CHECK ((couple_id IS NULL) = (sharing IS NULL)),
        CHECK ((cancelled_at IS NULL) = (cancelled_by IS NULL))
      )`);
    await q.query(`CREATE INDEX assignment_by_client ON assignment (practice_id, client_id, created_at DESC, id DESC) WHERE client_id IS NOT NULL`);
    await q.query(`CREATE INDEX assignment_by_couple ON assignment (practice_id, couple_id, created_at DESC, id DESC) WHERE couple_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE assignment_member (
        practice_id uuid NOT NULL,
        assignment_id uuid NOT NULL,
        client_id uuid NOT NULL,
        PRIMARY KEY (practice_id, assignment_id, client_id),
        FOREIGN KEY (practice_id, assignment_id) REFERENCES assignment (practice_id, id),
        FOREIGN KEY (practice_id, client_id) REFERENCES client (practice_id, id)
      )`);
    await q.query(`CREATE INDEX assignment_member_by_client ON assignment_member (practice_id, client_id, assignment_id)`);

    await q.query(`
      CREATE TABLE assignment_occurrence (
        practice_id uuid NOT NULL,
        assignment_id uuid NOT NULL,
        seq integer NOT NULL CHECK (seq >= 1),
        client_id uuid,
        couple_id uuid,
        opens_on date NOT NULL,
        due_on date NOT NULL,
        pending smallint NOT NULL CHECK (pending >= 0),
        cancelled boolean NOT NULL DEFAULT false,
        PRIMARY KEY (practice_id, assignment_id, seq),
        FOREIGN KEY (practice_id, assignment_id) REFERENCES assignment (practice_id, id),
        CHECK ((client_id IS NULL) <> (couple_id IS NULL)),
        CHECK (opens_on <= due_on)
      )`);
    await q.query(
      `CREATE INDEX occurrence_open_by_client ON assignment_occurrence (practice_id, client_id, due_on) WHERE pending > 0 AND NOT cancelled AND client_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX occurrence_open_by_couple ON assignment_occurrence (practice_id, couple_id, due_on) WHERE pending > 0 AND NOT cancelled AND couple_id IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE response (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        assignment_id uuid NOT NULL,
        seq integer NOT NULL,
        client_id uuid NOT NULL,
        couple_id uuid,
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
        key_id text NOT NULL,
        answers_enc bytea NOT NULL,
        version integer NOT NULL DEFAULT 1,
        submission_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        submitted_at timestamptz,
        PRIMARY KEY (practice_id, id),
        UNIQUE (practice_id, assignment_id, seq, client_id),
        FOREIGN KEY (practice_id, assignment_id, seq) REFERENCES assignment_occurrence (practice_id, assignment_id, seq),
        FOREIGN KEY (practice_id, assignment_id, client_id) REFERENCES assignment_member (practice_id, assignment_id, client_id),
        CHECK ((status = 'submitted') = (submitted_at IS NOT NULL AND submission_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX response_activity_by_client ON response (practice_id, client_id, updated_at DESC)`);
    await q.query(`CREATE INDEX response_activity_by_couple ON response (practice_id, couple_id, updated_at DESC) WHERE couple_id IS NOT NULL`);
    await q.query(`CREATE INDEX response_key ON response (key_id)`);
    await q.query(`
      CREATE FUNCTION response_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF OLD.status = 'submitted' THEN
            RAISE EXCEPTION 'a submitted response cannot be deleted' USING ERRCODE = 'restrict_violation';
          END IF;
          RETURN OLD;
        END IF;
        IF OLD.status = 'submitted' THEN
          -- Re-encryption under a new key is the one change a submitted response allows.
          IF current_setting('tandem.rekey', true) = 'on'
             AND (NEW.practice_id, NEW.id, NEW.assignment_id, NEW.seq, NEW.client_id, NEW.status, NEW.version, NEW.submission_id, NEW.submitted_at)
                 IS NOT DISTINCT FROM (OLD.practice_id, OLD.id, OLD.assignment_id, OLD.seq, OLD.client_id, OLD.status, OLD.version, OLD.submission_id, OLD.submitted_at) THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'a submitted response cannot be changed' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER response_guard BEFORE UPDATE OR DELETE ON response FOR EACH ROW EXECUTE FUNCTION response_guard()`);

    await q.query(`
      CREATE TABLE portal_link (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL,
        token_hash bytea NOT NULL UNIQUE,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_by uuid,
        last_used_at timestamptz,
        PRIMARY KEY (practice_id, id),
        FOREIGN KEY (practice_id, client_id) REFERENCES client (practice_id, id),
        FOREIGN KEY (practice_id, created_by) REFERENCES staff_user (practice_id, id),
        FOREIGN KEY (practice_id, revoked_by) REFERENCES staff_user (practice_id, id)
      )`);
    await q.query(`CREATE INDEX portal_link_by_client ON portal_link (practice_id, client_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE portal_session (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL,
        link_id uuid NOT NULL,
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        PRIMARY KEY (practice_id, id),
        FOREIGN KEY (practice_id, link_id) REFERENCES portal_link (practice_id, id),
        FOREIGN KEY (practice_id, client_id) REFERENCES client (practice_id, id)
      )`);
    await q.query(`CREATE INDEX portal_session_by_link ON portal_session (practice_id, link_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE portal_session`);
    await q.query(`DROP TABLE portal_link`);
    await q.query(`DROP TABLE response`);
    await q.query(`DROP FUNCTION response_guard`);
    await q.query(`DROP TABLE assignment_occurrence`);
    await q.query(`DROP TABLE assignment_member`);
    await q.query(`DROP TABLE assignment`);
  }
}
