import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../common/logger.js';
import { resolveDatabase } from '../database/resolve-database.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { runMigrationsLocked } from '../database/migrate.js';
import { FieldCipher } from '../encryption/field-cipher.js';
import { loadCipher, newDataKey, readKeyFile, writeKeyFile } from '../encryption/keyring.js';
import { rotateToCurrentKey } from '../encryption/rotate.js';

/**
 * `npm run keys:rotate`. With a key file: adds a new current key to it (the
 * old ones stay, to read what is not moved yet), then re-encrypts everything
 * under the new key. With TANDEM_DATA_KEY: put the new key first in the list
 * yourself; this re-encrypts. Run it again after an interruption to finish.
 */
async function run() {
  const config = loadConfig();
  const logger = createLogger('warn');
  const resume = process.argv.includes('--resume');
  let cipher: FieldCipher;
  if (!config.dataKeys && config.dataKeyFile && !resume) {
    const keys = await readKeyFile(config.dataKeyFile);
    const fresh = newDataKey();
    await writeKeyFile(config.dataKeyFile, [fresh, ...keys]);
    process.stdout.write(`New data key ${fresh.id} added to ${config.dataKeyFile}.\n`);
    cipher = new FieldCipher(fresh, keys);
  } else {
    cipher = await loadCipher({ env: config.dataKeys, file: config.dataKeyFile, createIfMissing: false });
  }
  const database = await resolveDatabase(config, logger);
  const db = new DataSource(dataSourceOptions(database.url, 2));
  try {
    await db.initialize();
    await runMigrationsLocked(db);
    const progress = await rotateToCurrentKey(db, cipher, {
      onBatch: (p) => process.stdout.write(`  ${p.table}: ${p.reencrypted} re-encrypted\n`),
    });
    const total = progress.reduce((sum, p) => sum + p.reencrypted, 0);
    process.stdout.write(`Done: ${total} records now under data key ${cipher.currentKeyId}. Keep the old keys until your backups no longer need them.\n`);
  } finally {
    await db.destroy().catch(() => undefined);
    await database.stop();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`key rotation stopped: ${error instanceof Error ? error.message : String(error)}\nRun \`npm run keys:rotate -- --resume\` to continue.\n`);
  process.exit(1);
});
