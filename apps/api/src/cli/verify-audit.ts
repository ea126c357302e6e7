import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../common/logger.js';
import { resolveDatabase } from '../database/resolve-database.js';
import { dataSourceOptions } from '../database/data-source-options.js';

/** `npm run audit:verify`: checks every practice's audit chain; exits 1 when any link is broken. */
async function run() {
  const config = loadConfig();
  const database = await resolveDatabase(config, createLogger('warn'));
  const db = new DataSource(dataSourceOptions(database.url, 2));
  try {
    await db.initialize();
    const [{ count }] = (await db.query(`SELECT count(*)::int AS count FROM audit_event`)) as Array<{ count: number }>;
    const problems = (await db.query(`SELECT chain_key, seq::text, problem FROM audit_verify()`)) as Array<{ chain_key: string; seq: string; problem: string }>;
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
