import 'reflect-metadata';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../common/logger.js';
import { loadCipher } from '../encryption/keyring.js';
import { loadBackupKeys } from '../backups/backup-keys.js';
import { checkBackupBody, openBackupFile } from '../backups/backup-file.js';
import { newRestoreTarget } from '../backups/database-target.js';
import { assertSchemaKnown, restoreBackup } from '../backups/restore.js';

/**
 * `npm run restore -- FILE`: restores a backup into a new data folder
 * (TANDEM_DATA_DIR without a database yet) or into the empty database in
 * DATABASE_URL. The file is checked completely before anything is created,
 * and the restore is one transaction: it happens entirely or not at all.
 */
async function run() {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!file) throw new Error('Name the backup file: npm run restore -- path/to/tandem-….tandem-backup');
  const config = loadConfig();
  const logger = createLogger('warn');
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const keys = await loadBackupKeys(config.backup);
  const backup = await openBackupFile(file, keys);
  assertSchemaKnown(backup);
  say(`Checking ${file} (taken ${backup.header.createdAt}, schema ${backup.header.schema.version})…`);
  await checkBackupBody(backup);
  const target = await newRestoreTarget(config, logger);
  say(`Restoring into ${target.description}…`);
  try {
    const summary = await restoreBackup(backup, target.url, (m) => say(`  ${m}`));
    await target.stop();
    const rows = summary.tables.reduce((s, t) => s + t.rows, 0);
    say(`Restored ${rows} rows in ${summary.tables.length} tables into ${target.description}.`);
  } catch (error) {
    await target.discard();
    throw error;
  }
  const cipher = await loadCipher({ env: config.dataKeys, file: config.dataKeyFile, createIfMissing: false }).catch(() => undefined);
  const missing = backup.header.dataKeyIds.filter((id) => !cipher?.knows(id));
  if (missing.length > 0) {
    say(
      `Before starting Tandem, put the data key ${missing.join(', ')} back: ` +
        (config.dataKeyFile ? `copy your saved key file to ${config.dataKeyFile}, or set TANDEM_DATA_KEY.` : 'set TANDEM_DATA_KEY or TANDEM_DATA_KEY_FILE.') +
        ' Without it the notes and answers cannot be read, and Tandem will not start.',
    );
  } else {
    say('The configured data key is the one this data was encrypted with. Start Tandem with `npm start`.');
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`Restore refused: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
