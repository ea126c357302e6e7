import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A clinician's care-team rows are read by practice and clinician (the admin
 * board's counts, My caseload). Care-team rows are added over time by every
 * practice, so one practice's rows lie scattered over the table: with the
 * members named in the index itself, those reads touch only the practice's
 * part of the index, however many practices share the table.
 */
export class CareTeamByStaffCovering1764300000000 implements MigrationInterface {
  name = 'CareTeamByStaffCovering1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX care_team_by_staff`);
    await q.query(
      `CREATE INDEX care_team_by_staff ON care_team_member (practice_id, staff_user_id) INCLUDE (client_id, couple_id, role) WHERE removed_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX care_team_by_staff`);
    await q.query(`CREATE INDEX care_team_by_staff ON care_team_member (practice_id, staff_user_id) WHERE removed_at IS NULL`);
  }
}
