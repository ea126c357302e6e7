// Generates apps/api/src/db/schema.ts, the row types of every table, from the
// schema the migrations build (kysely-codegen reading the live catalog).
//
//   npm run db:types                      starts an embedded PostgreSQL in a temp folder,
//                                         runs every migration, writes the file
//   node tools/db-types.mjs --url URL --out FILE
//                                         reads an already migrated database instead
//                                         (the test that checks the committed file uses this)
//
// Uses the API's compiled output (build first), as the test global setup does.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect as KyselyPostgres } from 'kysely';
import { generate, Logger, PostgresDialect } from 'kysely-codegen';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
const dist = new URL('../apps/api/dist/apps/api/src/', import.meta.url);
export const SCHEMA_FILE = path.join(root, 'apps/api/src/db/schema.ts');

async function load(file) {
  try {
    return await import(new URL(file, dist).href);
  } catch (error) {
    throw new Error(`Build the API first (npm run build -w apps/api): ${error.message}`);
  }
}

/** Writes the row types of the database at `url` to `outFile`. */
async function generateFrom(url, outFile) {
  const db = new Kysely({ dialect: new KyselyPostgres({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
  try {
    await generate({
      db,
      dialect: new PostgresDialect(),
      outFile,
      // Tandem's own tables; TypeORM's bookkeeping and pg-boss's schema are not queried through these types.
      includePattern: 'public.*',
      excludePattern: 'public.migrations',
      // Columns a trigger fills (the audit chain): written by PostgreSQL, never by an INSERT.
      overrides: {
        columns: {
          'audit_event.chain_key': 'Generated<string>',
          'audit_event.seq': 'Generated<Int8>',
          'audit_event.prev_hash': 'Generated<Buffer>',
          'audit_event.hash': 'Generated<Buffer>',
        },
      },
      logger: new Logger('warn'),
    });
  } finally {
    await db.destroy();
  }
}

async function migratedEmbeddedDatabase() {
  const { createLogger } = await load('common/logger.js');
  const { startEmbeddedPostgres } = await load('database/embedded-postgres.js');
  const { dataSourceOptions } = await load('database/data-source-options.js');
  const { ensureDatabase } = await load('database/ensure-database.js');
  const { DataSource } = await import('typeorm');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-db-types-'));
  const server = await startEmbeddedPostgres(dir, createLogger('warn'));
  try {
    await ensureDatabase(server.adminUrl, 'tandem');
    const url = server.urlFor('tandem');
    const source = new DataSource(dataSourceOptions(url, 1));
    await source.initialize();
    await source.runMigrations({ transaction: 'each' });
    await source.destroy();
    return {
      url,
      async stop() {
        await server.stop();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

const { values } = parseArgs({ options: { url: { type: 'string' }, out: { type: 'string' } } });
const outFile = path.resolve(values.out ?? SCHEMA_FILE);
if (values.url) {
  await generateFrom(values.url, outFile);
} else {
  const database = await migratedEmbeddedDatabase();
  try {
    await generateFrom(database.url, outFile);
  } finally {
    await database.stop();
  }
}
console.log(`wrote ${path.relative(process.cwd(), outFile)}`);
