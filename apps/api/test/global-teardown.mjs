import fs from 'node:fs/promises';
import pg from 'pg';

export default async function globalTeardown() {
  const state = globalThis.__tandemTestDb;
  if (!state) return;
  globalThis.__tandemTestDb = undefined;
  if (state.server) {
    await state.server.stop();
    if (state.dir) await fs.rm(state.dir, { recursive: true, force: true });
    return;
  }
  const admin = new pg.Client({ connectionString: state.adminUrl });
  await admin.connect();
  const prefix = state.template.replace('tandem_template_', 'tandem_t_');
  const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`, [
    `${prefix}_%`,
    state.template,
  ]);
  for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(row.datname)} WITH (FORCE)`);
  await admin.end();
}
