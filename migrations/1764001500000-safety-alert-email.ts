import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Safety alerts email the client's primary clinician (no content, a link to
 * Tandem): a new kind of message. And open alerts of couples get the index
 * the attention queue reads them by, as those of clients already have.
 */
export class SafetyAlertEmail1764001500000 implements MigrationInterface {
  name = 'SafetyAlertEmail1764001500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery DROP CONSTRAINT delivery_message_kind_check`);
    await q.query(`
      ALTER TABLE delivery ADD CONSTRAINT delivery_message_kind_check CHECK (message_kind IN
        ('staff_invite', 'password_reset', 'portal_link', 'homework_assigned', 'homework_due', 'homework_overdue', 'clinician_digest', 'safety_alert'))`);
    await q.query(`CREATE INDEX alert_open_by_couple ON alert (practice_id, couple_id, raised_at DESC) WHERE acknowledged_at IS NULL AND couple_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alert_open_by_couple`);
    await q.query(`ALTER TABLE delivery DROP CONSTRAINT delivery_message_kind_check`);
    await q.query(`
      ALTER TABLE delivery ADD CONSTRAINT delivery_message_kind_check CHECK (message_kind IN
        ('staff_invite', 'password_reset', 'portal_link', 'homework_assigned', 'homework_due', 'homework_overdue', 'clinician_digest'))`);
  }
}
