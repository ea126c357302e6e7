import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A practice writes dates one way on every page (its locale, a BCP 47 tag
 * such as en-US or en-GB), beside the time zone it already counts days in.
 */
export class PracticeLocale1764000920000 implements MigrationInterface {
  name = 'PracticeLocale1764000920000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE practice ADD COLUMN locale text NOT NULL DEFAULT 'en-US' CONSTRAINT practice_locale_tag CHECK (locale ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE practice DROP COLUMN locale`);
  }
}
