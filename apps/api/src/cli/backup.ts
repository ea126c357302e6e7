import 'reflect-metadata';
import path from 'node:path';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { kyselyOn } from '../db/kysely.js';
import { createLogger } from '../common/logger.js';
import { loadCipher } from '../encryption/keyring.js';
import { assertNotADataKey, loadBackupKeys } from '../backups/backup-keys.js';
import { openTandemDatabase } from '../backups/database-target.js';
import { exportDatabase } from '../backups/export.js';
import { describeBackupFailure } from '../backups/backups.service.js';

/**
 * `npm run backup [-- --out DIR]`: an encrypted backup of Tandem's database,
 * while Tandem runs or not, into TANDEM_BACKUP_DIR (or DIR).
 */
async function run() {
  const config = loadConfig();
  const logger = createLogger('warn');
  const outAt = process.argv.indexOf('--out');
  const dir = outAt > 0 && process.argv[outAt + 1] ? path.resolve(process.argv[outAt + 1]!) : config.backup.dir;
  const database = await openTandemDatabase(config, logger);
  const keys = await loadBackupKeys(config.backup, { create: true }).catch(async (error: unknown) => {
    await database.stop();
    throw error;
  });
  const cipher = await loadCipher({ env: config.dataKeys, file: config.dataKeyFile, createIfMissing: false }).catch(() => undefined);
  const started = new Date();
  const record = async (values: { outcome: 'ok' | 'failed'; file?: string; bytes?: number; schema?: string; message?: string }) => {
    const db = new DataSource(dataSourceOptions(database.url, 1));
    await db.initialize();
    try {
      await kyselyOn(db)
        .insertInto('backup_run')
        .values({
          trigger: sql.lit('manual'),
          started_at: started,
          finished_at: sql`now()`,
          outcome: values.outcome,
          file_name: values.file ?? null,
          bytes: values.bytes ?? null,
          schema_version: values.schema ?? null,
          message: values.message ?? null,
        })
        .execute();
    } finally {
      await db.destroy();
    }
  };
  try {
    assertNotADataKey(keys, cipher);
    const result = await exportDatabase(database.url, keys, dir);
    if (!result) throw new Error('the backup did not run');
    await record({ outcome: 'ok', file: path.basename(result.file), bytes: result.bytes, schema: result.schemaVersion }).catch(() => undefined);
    const rows = result.tables.reduce((s, t) => s + t.rows, 0);
    process.stdout.write(
      [
        `Backup written: ${result.file}`,
        `  ${rows} rows in ${result.tables.length} tables, ${Math.ceil(result.bytes / 1024)} KB, schema ${result.schemaVersion}, taken at ${result.createdAt.toISOString()}`,
        `  SHA-256 ${result.sha256}`,
        `  Encrypted with backup key ${keys.current.id}${config.backup.keys ? ' (TANDEM_BACKUP_KEY)' : ` (${config.backup.keyFile})`}.`,
        '  To restore it you need that backup key and the data key: keep copies of both away from this computer and apart from the backups.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    await record({ outcome: 'failed', message: describeBackupFailure(error, dir) }).catch(() => undefined);
    throw new Error(describeBackupFailure(error, dir));
  } finally {
    await database.stop();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`Backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
