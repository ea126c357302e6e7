import 'reflect-metadata';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../common/logger.js';
import { resolveDatabase } from '../database/resolve-database.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { kyselyOn } from '../db/kysely.js';

/** `npm run audit:verify`: checks every practice's audit chain; exits 1 when any link is broken. */
async function run() {
  const config = loadConfig();
  const database = await resolveDatabase(config, createLogger('warn'));
  const db = new DataSource(dataSourceOptions(database.url, 2));
  try {
    await db.initialize();
    const typed = kyselyOn(db);
    const { count } = await typed.selectFrom('audit_event').select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow();
    // audit_verify() is a function of the audit-chain migration: its result columns are not a table of the schema.
    const { rows: problems } = await sql<{ chain_key: string; seq: string; problem: string }>`SELECT chain_key, seq::text, problem FROM audit_verify()`.execute(typed);
    for (const p of problems) process.stdout.write(`practice ${p.chain_key}, entry ${p.seq}: ${p.problem}\n`);
    process.stdout.write(problems.length === 0 ? `The audit log is intact: ${count} entries checked.\n` : `${problems.length} problem(s) found in ${count} entries.\n`);
    process.exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    await db.destroy().catch(() => undefined);
    await database.stop();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`audit verification failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
