import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A client's last homework activity on caseload pages counts their own
 * assignments only (a couple's are the couple's row). This index answers
 * that as one index entry per client, instead of reading every response of
 * a client who also does homework with a partner.
 */
export class IndividualHomeworkActivity1764000600000 implements MigrationInterface {
  name = 'IndividualHomeworkActivity1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX response_individual_activity ON response (practice_id, client_id, updated_at DESC) WHERE couple_id IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX response_individual_activity`);
  }
}
