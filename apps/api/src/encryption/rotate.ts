import { sql } from 'kysely';
import type { DataSource } from 'typeorm';
import { kyselyOn } from '../db/kysely.js';
import type { DB } from '../db/schema.js';
import { aadFor, FieldCipher } from './field-cipher.js';
import { assertKeysMatchDatabase } from './encryption.service.js';

/** An encrypted column of a table that has `practice_id` and `id`: checked against the generated schema, so a rename fails the type check. */
type EncryptedColumn = {
  [T in keyof DB]: 'practice_id' | 'id' extends keyof DB[T] ? { table: T; column: keyof DB[T] & string; field: string; keyColumn: keyof DB[T] & string } : never;
}[keyof DB];

/** One row to re-encrypt, whatever its table calls the columns. */
interface SealedRow {
  practice_id: string;
  id: string;
  key_id: string;
  ciphertext: Buffer;
}

/** Every encrypted column: where it lives and how its associated data is formed. */
const ENCRYPTED_COLUMNS = [
  { table: 'session_note', column: 'sections_enc', field: 'sections', keyColumn: 'key_id' },
  { table: 'response', column: 'answers_enc', field: 'answers', keyColumn: 'key_id' },
  { table: 'alert', column: 'note_enc', field: 'note', keyColumn: 'key_id' },
  { table: 'staff_totp', column: 'secret_enc', field: 'secret', keyColumn: 'key_id' },
  { table: 'emergency_access', column: 'reason_enc', field: 'reason', keyColumn: 'key_id' },
  // A queued email's link token, erased once the delivery ends.
  { table: 'delivery', column: 'secret_enc', field: 'secret', keyColumn: 'secret_key_id' },
] as const satisfies readonly EncryptedColumn[];

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
      const moved = await db.transaction(async (manager) => {
        const tx = kyselyOn(manager);
        // Signed notes allow exactly this change (see the session_note_guard trigger).
        await sql`SET LOCAL tandem.rekey = 'on'`.execute(tx);
        const key = sql.ref(keyColumn);
        const { rows } = await sql<SealedRow>`SELECT practice_id, id, ${key} AS key_id, ${sql.ref(column)} AS ciphertext FROM ${sql.table(table)}
             WHERE ${key} <> ${cipher.currentKeyId} ORDER BY ${key}, id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`.execute(tx);
        for (const row of rows) {
          const aad = aadFor(table, row.practice_id, row.id, field);
          const sealed = cipher.encrypt(cipher.decrypt(row.ciphertext, row.key_id, aad), aad);
          await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${sealed.ciphertext}, ${key} = ${sealed.keyId}
                     WHERE practice_id = ${row.practice_id} AND id = ${row.id}`.execute(tx);
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
  const pool = kyselyOn(db);
  for (const { table, keyColumn } of ENCRYPTED_COLUMNS) {
    const key = sql.ref(keyColumn);
    const { rows } = await sql<Pick<SealedRow, 'key_id'>>`SELECT DISTINCT ${key} AS key_id FROM ${sql.table(table)} WHERE ${key} IS NOT NULL`.execute(pool);
    rows.forEach((r) => stillUsed.add(r.key_id));
  }
  await pool
    .deleteFrom('data_key_check')
    .where(sql<boolean>`NOT (key_id = ANY(${[...stillUsed]}::text[]))`)
    .execute();
  return progress;
}
