import pg from 'pg';
import { aadFor, type FieldCipher } from '../encryption/field-cipher.js';
import { checkBackupBody, type OpenedBackup } from './backup-file.js';
import { scratchDatabase } from './database-target.js';
import { restoreBackup } from './restore.js';

export interface VerifyReport {
  ok: boolean;
  /** One line per check, for people. */
  lines: string[];
  tables: Array<{ name: string; expected: number; restored: number }>;
  auditProblems: number;
  notes: { checked: number; unreadable: number };
  answers: { checked: number; unreadable: number };
}

const ENCRYPTED = [
  { table: 'session_note', column: 'sections_enc', field: 'sections', report: 'notes' },
  { table: 'response', column: 'answers_enc', field: 'answers', report: 'answers' },
] as const;

/**
 * Restores a backup into a scratch database on `serverUrl`'s server and checks
 * it as a restore would need it: every table's rows, the audit chain, and that
 * every note and answer decrypts with the data key. The scratch database is
 * dropped afterwards, whatever the outcome.
 */
export async function verifyBackup(backup: OpenedBackup, serverUrl: string, cipher: FieldCipher, progress: (m: string) => void = () => undefined): Promise<VerifyReport> {
  await checkBackupBody(backup);
  progress('file intact: checksum, backup key and contents check out');
  const scratch = await scratchDatabase(serverUrl);
  try {
    await restoreBackup(backup, scratch.url, progress);
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    try {
      const report: VerifyReport = { ok: true, lines: [], tables: [], auditProblems: 0, notes: { checked: 0, unreadable: 0 }, answers: { checked: 0, unreadable: 0 } };
      for (const t of backup.header.tables) {
        const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.${client.escapeIdentifier(t.name)}`);
        report.tables.push({ name: t.name, expected: t.rows, restored: rows[0]!.n });
      }
      const wrongCounts = report.tables.filter((t) => t.expected !== t.restored);
      report.lines.push(
        wrongCounts.length === 0
          ? `row counts: ${report.tables.length} tables, ${report.tables.reduce((s, t) => s + t.restored, 0)} rows, as backed up`
          : `row counts differ: ${wrongCounts.map((t) => `${t.name} ${t.restored} of ${t.expected}`).join(', ')}`,
      );
      const { rows: problems } = await client.query(`SELECT * FROM audit_verify()`);
      const { rows: events } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event`);
      report.auditProblems = problems.length;
      report.lines.push(problems.length === 0 ? `audit chain: intact (${events[0]!.n} events)` : `audit chain: ${problems.length} problem(s)`);

      const { rows: checks } = await client.query<{ key_id: string; ciphertext: Buffer }>(`SELECT key_id, ciphertext FROM data_key_check`);
      const missingKeys = checks.filter((c) => !cipher.knows(c.key_id)).map((c) => c.key_id);
      if (missingKeys.length > 0) report.lines.push(`data key: ${missingKeys.join(', ')} used by this backup is not configured`);
      for (const { table, column, field, report: which } of ENCRYPTED) {
        let after = { practice: '00000000-0000-0000-0000-000000000000', id: '00000000-0000-0000-0000-000000000000' };
        for (;;) {
          const { rows } = await client.query<{ practice_id: string; id: string; key_id: string; c: Buffer }>(
            `SELECT practice_id, id, key_id, ${column} AS c FROM ${table} WHERE (practice_id, id) > ($1, $2) ORDER BY practice_id, id LIMIT 500`,
            [after.practice, after.id],
          );
          if (rows.length === 0) break;
          for (const row of rows) {
            report[which].checked += 1;
            try {
              cipher.decrypt(row.c, row.key_id, aadFor(table, row.practice_id, row.id, field));
            } catch {
              report[which].unreadable += 1;
            }
          }
          const last = rows.at(-1)!;
          after = { practice: last.practice_id, id: last.id };
        }
        report.lines.push(
          report[which].unreadable === 0
            ? `${which}: all ${report[which].checked} decrypt with the data key`
            : `${which}: ${report[which].unreadable} of ${report[which].checked} do not decrypt with the configured data key`,
        );
      }
      report.ok = wrongCounts.length === 0 && report.auditProblems === 0 && report.notes.unreadable === 0 && report.answers.unreadable === 0 && missingKeys.length === 0;
      return report;
    } finally {
      await client.end();
    }
  } finally {
    await scratch.drop().catch(() => undefined);
  }
}
