import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email leaves Tandem through `delivery`: one row per message, written in the
 * transaction of the event that causes it (the outbox), unique per practice
 * and event (dedupe_key), so an event never makes two messages. A row holds
 * who it is for (kind and id, never an address) and what kind of message it
 * is; the address and the wording are looked up when it is sent. The link's
 * token, when a message carries one, is kept encrypted only until the
 * delivery ends. Failed and opted-out deliveries are read newest first by
 * the attention queue.
 *
 * Password resets are one-time, short-lived links like invites (only the
 * hash kept). Clients get reminder settings and an email opt-out; clinicians
 * a daily digest setting (off by default).
 */
export class Delivery1764001000000 implements MigrationInterface {
  name = 'Delivery1764001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE delivery (
        practice_id uuid NOT NULL REFERENCES practice(id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        dedupe_key text NOT NULL CHECK (length(dedupe_key) BETWEEN 1 AND 200),
        message_kind text NOT NULL CHECK (message_kind IN
          ('staff_invite', 'password_reset', 'portal_link', 'homework_assigned', 'homework_due', 'homework_overdue', 'clinician_digest')),
        recipient_kind text NOT NULL CHECK (recipient_kind IN ('staff', 'client')),
        recipient_id uuid NOT NULL,
        client_id uuid,
        couple_id uuid,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'opted_out')),
        attempts smallint NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error_code text CHECK (length(last_error_code) <= 60),
        params jsonb NOT NULL DEFAULT '{}',
        secret_key_id text,
        secret_enc bytea,
        unsubscribe_hash bytea,
        requested_by uuid,
        not_before timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        ended_at timestamptz,
        PRIMARY KEY (practice_id, id),
        UNIQUE (practice_id, dedupe_key),
        CHECK ((secret_enc IS NULL) = (secret_key_id IS NULL)),
        CHECK (status = 'queued' OR secret_enc IS NULL),
        CHECK ((status IN ('failed', 'opted_out')) = (ended_at IS NOT NULL)),
        CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX delivery_problems ON delivery (practice_id, ended_at DESC, id DESC) WHERE status IN ('failed', 'opted_out')`);
    await q.query(`CREATE INDEX delivery_problems_by_client ON delivery (practice_id, client_id, ended_at DESC, id DESC) WHERE status IN ('failed', 'opted_out')`);
    await q.query(`CREATE INDEX delivery_queued ON delivery (practice_id, not_before) WHERE status = 'queued'`);
    await q.query(`CREATE UNIQUE INDEX delivery_unsubscribe ON delivery (unsubscribe_hash) WHERE unsubscribe_hash IS NOT NULL`);
    await q.query(`CREATE INDEX delivery_secret_key ON delivery (secret_key_id) WHERE secret_key_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE password_reset (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        practice_id uuid NOT NULL REFERENCES practice(id),
        staff_user_id uuid NOT NULL REFERENCES staff_user(id),
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX password_reset_user ON password_reset (practice_id, staff_user_id, created_at DESC)`);

    await q.query(`
      ALTER TABLE client
        ADD COLUMN reminders_enabled boolean NOT NULL DEFAULT true,
        ADD COLUMN reminder_hour smallint NOT NULL DEFAULT 9 CHECK (reminder_hour BETWEEN 8 AND 20),
        ADD COLUMN email_opted_out_at timestamptz`);
    await q.query(`ALTER TABLE staff_user ADD COLUMN digest_enabled boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE INDEX staff_user_digest ON staff_user (practice_id, id) WHERE digest_enabled AND active`);
    await q.query(`ALTER TABLE assignment ADD COLUMN remind boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE INDEX occurrence_open_by_due ON assignment_occurrence (practice_id, due_on) WHERE pending > 0 AND NOT cancelled`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX occurrence_open_by_due`);
    await q.query(`ALTER TABLE assignment DROP COLUMN remind`);
    await q.query(`DROP INDEX staff_user_digest`);
    await q.query(`ALTER TABLE staff_user DROP COLUMN digest_enabled`);
    await q.query(`ALTER TABLE client DROP COLUMN reminders_enabled, DROP COLUMN reminder_hour, DROP COLUMN email_opted_out_at`);
    await q.query(`DROP TABLE password_reset`);
    await q.query(`DROP TABLE delivery`);
  }
}
