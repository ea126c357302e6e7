import type { DataSource } from 'typeorm';
import { aadFor, FieldCipher } from './field-cipher.js';
import { assertKeysMatchDatabase } from './encryption.service.js';

/** Every encrypted column: where it lives and how its associated data is formed. */
const ENCRYPTED_COLUMNS = [
  { table: 'session_note', column: 'sections_enc', field: 'sections', keyColumn: 'key_id' },
  { table: 'response', column: 'answers_enc', field: 'answers', keyColumn: 'key_id' },
  { table: 'alert', column: 'note_enc', field: 'note', keyColumn: 'key_id' },
  { table: 'staff_totp', column: 'secret_enc', field: 'secret', keyColumn: 'key_id' },
  { table: 'emergency_access', column: 'reason_enc', field: 'reason', keyColumn: 'key_id' },
  // A queued email's link token, erased once the delivery ends.
  { table: 'delivery', column: 'secret_enc', field: 'secret', keyColumn: 'secret_key_id' },
] as const;

export interface RotationProgress {
  table: string;
  reencrypted: number;
}

/**
 * Re-encrypts everything not yet under the current key, a batch per
 * transaction. Interrupted, it simply resumes: rows already moved are skipped.
 * Retired keys are forgotten by the database once nothing uses them.
 */
export async function rotateToCurrentKey(
  db: DataSource,
  cipher: FieldCipher,
  options: { batchSize?: number; maxBatches?: number; onBatch?: (p: RotationProgress) => void } = {},
): Promise<RotationProgress[]> {
  await assertKeysMatchDatabase(db, cipher);
  const batchSize = options.batchSize ?? 500;
  let batches = 0;
  const progress: RotationProgress[] = [];
  for (const { table, column, field, keyColumn } of ENCRYPTED_COLUMNS) {
    const done: RotationProgress = { table, reencrypted: 0 };
    progress.push(done);
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return progress;
      const moved = await db.transaction(async (tx) => {
        // Signed notes allow exactly this change (see the session_note_guard trigger).
        await tx.query(`SET LOCAL tandem.rekey = 'on'`);
        const rows = (await tx.query(
          `SELECT practice_id, id, ${keyColumn} AS key_id, ${column} AS ciphertext FROM ${table} WHERE ${keyColumn} <> $1 ORDER BY ${keyColumn}, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [cipher.currentKeyId, batchSize],
        )) as Array<{ practice_id: string; id: string; key_id: string; ciphertext: Buffer }>;
        for (const row of rows) {
          const aad = aadFor(table, row.practice_id, row.id, field);
          const sealed = cipher.encrypt(cipher.decrypt(row.ciphertext, row.key_id, aad), aad);
          await tx.query(`UPDATE ${table} SET ${column} = $3, ${keyColumn} = $4 WHERE practice_id = $1 AND id = $2`, [
            row.practice_id,
            row.id,
            sealed.ciphertext,
            sealed.keyId,
          ]);
        }
        return rows.length;
      });
      batches += 1;
      done.reencrypted += moved;
      options.onBatch?.(done);
      if (moved < batchSize) break;
    }
  }
  const stillUsed = new Set<string>([cipher.currentKeyId]);
  for (const { table, keyColumn } of ENCRYPTED_COLUMNS) {
    const rows = (await db.query(`SELECT DISTINCT ${keyColumn} AS key_id FROM ${table} WHERE ${keyColumn} IS NOT NULL`)) as Array<{ key_id: string }>;
    rows.forEach((r) => stillUsed.add(r.key_id));
  }
  await db.query(`DELETE FROM data_key_check WHERE NOT (key_id = ANY($1::text[]))`, [[...stillUsed]]);
  return progress;
}
