// Once per jest run: a real PostgreSQL (DATABASE_URL, or an embedded server in
// a fresh temp folder) and a template database with every migration applied.
// Each test file copies the template (support/test-app.ts). Jest loads global
// setup outside its ESM transform, so this uses the API's compiled output
// (`npm test` builds it first).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';

const dist = new URL('../dist/apps/api/src/', import.meta.url);

async function load(file) {
  try {
    return await import(new URL(file, dist).href);
  } catch (error) {
    throw new Error(`Build the API first (npm run build -w apps/api): ${error.message}`);
  }
}

export default async function globalSetup() {
  if (globalThis.__tandemTestDb) return;
  const { createLogger } = await load('common/logger.js');
  const { startEmbeddedPostgres } = await load('database/embedded-postgres.js');
  const { dataSourceOptions } = await load('database/data-source-options.js');
  const { withDatabase } = await load('database/ensure-database.js');

  let server;
  let dir;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-test-'));
    server = await startEmbeddedPostgres(dir, createLogger('warn'));
    adminUrl = server.adminUrl;
  }
  const template = `tandem_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const db = new DataSource(dataSourceOptions(withDatabase(adminUrl, template), 1));
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  await db.destroy();

  globalThis.__tandemTestDb = { server, dir, adminUrl, template };
  process.env.TANDEM_TEST_ADMIN_URL = adminUrl;
  process.env.TANDEM_TEST_TEMPLATE = template;
}
