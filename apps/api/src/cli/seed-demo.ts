import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../common/logger.js';
import { resolveDatabase } from '../database/resolve-database.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { runMigrationsLocked } from '../database/migrate.js';
import { formatSignIns, seedDemo } from '../demo/seed-demo.js';
import { loadCipher } from '../encryption/keyring.js';
import { assertKeysMatchDatabase } from '../encryption/encryption.service.js';

/** `npm run seed:demo`: migrates, then creates (or refreshes) the demo practice on any database. */
async function run() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await resolveDatabase(config, logger);
  const db = new DataSource(dataSourceOptions(database.url, 2));
  try {
    await db.initialize();
    await runMigrationsLocked(db);
    // Demo answers are encrypted like any others: with the configured data key, which must match the database's.
    const cipher = await loadCipher({ env: config.dataKeys, file: config.dataKeyFile, createIfMissing: config.createDataKeyFile });
    await assertKeysMatchDatabase(db, cipher);
    const { signIns } = await seedDemo(db, cipher);
    process.stdout.write(formatSignIns(signIns, config.publicBaseUrl ?? `http://localhost:${config.port}`) + '\n');
  } finally {
    await db.destroy().catch(() => undefined);
    await database.stop();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? '' : 'seed failed: '}${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
