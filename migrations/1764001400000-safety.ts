import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The safety layer: a practice's crisis resources (NULL: Tandem's defaults),
 * and alerts raised by flagged answers. An alert names the response it came
 * from and stores no answer: why it was raised is worked out from the
 * (encrypted) answers when a clinician reads it. The acknowledgement note is
 * clinical text, so it is encrypted like notes and answers.
 */
export class Safety1764001400000 implements MigrationInterface {
  name = 'Safety1764001400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE practice ADD COLUMN crisis_resources jsonb`);
    await q.query(`
      CREATE TABLE alert (
        practice_id uuid NOT NULL REFERENCES practice (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        response_id uuid NOT NULL,
        client_id uuid NOT NULL,
        couple_id uuid,
        assignment_id uuid NOT NULL,
        seq integer NOT NULL,
        priority text NOT NULL CHECK (priority IN ('high', 'normal')),
        signals integer NOT NULL CHECK (signals > 0),
        raised_at timestamptz NOT NULL DEFAULT now(),
        acknowledged_at timestamptz,
        acknowledged_by uuid,
        key_id text,
        note_enc bytea,
        PRIMARY KEY (practice_id, id),
        UNIQUE (practice_id, response_id),
        FOREIGN KEY (practice_id, response_id) REFERENCES response (practice_id, id),
        CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL) AND (acknowledged_at IS NULL) = (note_enc IS NULL) AND (note_enc IS NULL) = (key_id IS NULL))
      )`);
    await q.query(`CREATE INDEX alert_open_by_client ON alert (practice_id, client_id, raised_at DESC) WHERE acknowledged_at IS NULL`);
    await q.query(`CREATE INDEX alert_by_client ON alert (practice_id, client_id, raised_at DESC, id DESC)`);
    await q.query(`CREATE INDEX alert_key ON alert (key_id) WHERE key_id IS NOT NULL`);
    // Acknowledged alerts stay on the record: only the acknowledgement itself may be written, once.
    await q.query(`
      CREATE FUNCTION alert_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'an alert cannot be deleted';
        END IF;
        IF OLD.acknowledged_at IS NOT NULL AND current_setting('tandem.rekey', true) IS DISTINCT FROM 'on' THEN
          RAISE EXCEPTION 'an acknowledged alert cannot be changed';
        END IF;
        IF NEW.response_id <> OLD.response_id OR NEW.client_id <> OLD.client_id OR NEW.raised_at <> OLD.raised_at THEN
          RAISE EXCEPTION 'an alert cannot be changed';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER alert_guard BEFORE UPDATE OR DELETE ON alert FOR EACH ROW EXECUTE FUNCTION alert_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert`);
    await q.query(`DROP FUNCTION alert_guard()`);
    await q.query(`ALTER TABLE practice DROP COLUMN crisis_resources`);
  }
}
