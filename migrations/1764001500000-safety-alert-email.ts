import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Safety alerts email the client's primary clinician (no content, a link to Tandem): a new kind of message. */
export class SafetyAlertEmail1764001500000 implements MigrationInterface {
  name = 'SafetyAlertEmail1764001500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery DROP CONSTRAINT delivery_message_kind_check`);
    await q.query(`
      ALTER TABLE delivery ADD CONSTRAINT delivery_message_kind_check CHECK (message_kind IN
        ('staff_invite', 'password_reset', 'portal_link', 'homework_assigned', 'homework_due', 'homework_overdue', 'clinician_digest', 'safety_alert'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery DROP CONSTRAINT delivery_message_kind_check`);
    await q.query(`
      ALTER TABLE delivery ADD CONSTRAINT delivery_message_kind_check CHECK (message_kind IN
        ('staff_invite', 'password_reset', 'portal_link', 'homework_assigned', 'homework_due', 'homework_overdue', 'clinician_digest'))`);
  }
}
