import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../common/logger.js';
import { resolveDatabase } from '../database/resolve-database.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { formatSignIns, seedDemo } from '../demo/seed-demo.js';

/** `npm run seed:demo`: migrates, then creates (or refreshes) the demo practice on any database. */
async function run() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await resolveDatabase(config, logger);
  const db = new DataSource(dataSourceOptions(database.url, 2));
  try {
    await db.initialize();
    await db.runMigrations({ transaction: 'each' });
    const { signIns } = await seedDemo(db);
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
