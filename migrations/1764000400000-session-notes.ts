import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Session notes. Their sections are stored only as AES-256-GCM ciphertext
 * (with the id of the key beside it). A signed note cannot be changed or
 * deleted, enforced here by a trigger; corrections are addenda.
 */
export class SessionNotes1764000400000 implements MigrationInterface {
  name = 'SessionNotes1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE data_key_check (
        key_id text PRIMARY KEY,
        ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE session_note (
        practice_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        client_id uuid,
        couple_id uuid,
        author_id uuid NOT NULL,
        session_date date NOT NULL,
        format text NOT NULL CHECK (format IN ('SOAP', 'DAP', 'BIRP', 'free')),
        kind text NOT NULL CHECK (kind IN ('progress', 'psychotherapy')),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
        addendum_of uuid,
        version integer NOT NULL DEFAULT 1,
        key_id text NOT NULL,
        sections_enc bytea NOT NULL,
        signed_at timestamptz,
        signed_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (practice_id, id),
        FOREIGN KEY (practice_id, client_id) REFERENCES client (practice_id, id),
        FOREIGN KEY (practice_id, couple_id) REFERENCES couple (practice_id, id),
        FOREIGN KEY (practice_id, author_id) REFERENCES staff_user (practice_id, id),
        FOREIGN KEY (practice_id, signed_by) REFERENCES staff_user (practice_id, id),
        FOREIGN KEY (practice_id, addendum_of) REFERENCES session_note (practice_id, id),
        CHECK ((client_id IS NULL) <> (couple_id IS NULL)),
        CHECK ((status = 'signed') = (signed_at IS NOT NULL AND signed_by IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX session_note_client ON session_note (practice_id, client_id, session_date DESC, id) WHERE client_id IS NOT NULL`);
    await q.query(`CREATE INDEX session_note_couple ON session_note (practice_id, couple_id, session_date DESC, id) WHERE couple_id IS NOT NULL`);
    await q.query(`CREATE INDEX session_note_addenda ON session_note (practice_id, addendum_of) WHERE addendum_of IS NOT NULL`);
    await q.query(`CREATE INDEX session_note_key ON session_note (key_id)`);
    await q.query(`
      CREATE FUNCTION session_note_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF OLD.status = 'signed' THEN
            RAISE EXCEPTION 'a signed note cannot be deleted' USING ERRCODE = 'restrict_violation';
          END IF;
          RETURN OLD;
        END IF;
        IF OLD.status = 'signed' THEN
          -- Re-encryption under a new key is the one change a signed note allows:
          -- same content, new ciphertext, everything else untouched.
          IF current_setting('tandem.rekey', true) = 'on'
             AND (NEW.practice_id, NEW.id, NEW.client_id, NEW.couple_id, NEW.author_id, NEW.session_date, NEW.format, NEW.kind,
                  NEW.status, NEW.addendum_of, NEW.version, NEW.signed_at, NEW.signed_by, NEW.created_at, NEW.updated_at)
                 IS NOT DISTINCT FROM
                 (OLD.practice_id, OLD.id, OLD.client_id, OLD.couple_id, OLD.author_id, OLD.session_date, OLD.format, OLD.kind,
                  OLD.status, OLD.addendum_of, OLD.version, OLD.signed_at, OLD.signed_by, OLD.created_at, OLD.updated_at) THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'a signed note cannot be changed; add an addendum instead' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER session_note_guard BEFORE UPDATE OR DELETE ON session_note FOR EACH ROW EXECUTE FUNCTION session_note_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE session_note`);
    await q.query(`DROP FUNCTION session_note_guard`);
    await q.query(`DROP TABLE data_key_check`);
  }
}
