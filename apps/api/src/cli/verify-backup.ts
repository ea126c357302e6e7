import 'reflect-metadata';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../common/logger.js';
import { loadCipher } from '../encryption/keyring.js';
import { loadBackupKeys } from '../backups/backup-keys.js';
import { openBackupFile } from '../backups/backup-file.js';
import { scratchServer } from '../backups/database-target.js';
import { verifyBackup } from '../backups/verify.js';

/**
 * `npm run backup:verify -- FILE`: restores the backup into a scratch
 * database (dropped afterwards) and checks row counts, the audit chain, and
 * that every note and answer decrypts with the data key. Exit 0 when it all holds.
 */
async function run() {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!file) throw new Error('Name the backup file: npm run backup:verify -- path/to/tandem-….tandem-backup');
  const config = loadConfig();
  const logger = createLogger('warn');
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const keys = await loadBackupKeys(config.backup);
  const cipher = await loadCipher({ env: config.dataKeys, file: config.dataKeyFile, createIfMissing: false });
  const backup = await openBackupFile(file, keys);
  say(`Verifying ${file} (taken ${backup.header.createdAt}, schema ${backup.header.schema.version})…`);
  const server = await scratchServer(config, logger);
  try {
    const report = await verifyBackup(backup, server.url, cipher, (m) => say(`  ${m}`));
    for (const line of report.lines) say(`  ${line}`);
    say(report.ok ? 'The backup is good: it restores completely and its data can be read.' : 'The backup did NOT pass every check (see above).');
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await server.stop();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`Verification failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
