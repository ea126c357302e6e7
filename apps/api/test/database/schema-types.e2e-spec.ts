import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase } from '../support/test-app.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const COMMITTED = path.join(ROOT, 'apps/api/src/db/schema.ts');
const run = promisify(execFile);

/** Regenerates the row types from the database at `url` (tools/db-types.mjs, as `npm run db:types` does) and returns them. */
async function generatedFrom(url: string, dir: string, name: string): Promise<string> {
  const out = path.join(dir, name);
  await run(process.execPath, [path.join(ROOT, 'tools/db-types.mjs'), '--url', url, '--out', out], { cwd: ROOT });
  return fs.readFile(out, 'utf8');
}

/**
 * Every typed query is checked against apps/api/src/db/schema.ts. That file
 * must be what the migrations build: a migration that changes a table without
 * regenerating it fails here, and once regenerated, a query it breaks fails
 * the type check.
 */
describe('the generated row types', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-schema-types-'));
  });

  afterAll(async () => {
    await database?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('are exactly what the migrated schema generates (run `npm run db:types` after a migration)', async () => {
    const fresh = await generatedFrom(database.url, dir, 'schema.ts');
    expect(fresh).toContain('export interface DB {');
    expect(fresh).toBe(await fs.readFile(COMMITTED, 'utf8'));
  });

  it('change when a migration changes a table', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`ALTER TABLE client ADD COLUMN pronouns text NOT NULL DEFAULT ''`);
      await client.query(`ALTER TABLE couple DROP COLUMN display_name`);
    } finally {
      await client.end();
    }
    const changed = await generatedFrom(database.url, dir, 'changed.ts');
    const committed = await fs.readFile(COMMITTED, 'utf8');
    expect(changed).not.toBe(committed);
    expect(changed).toMatch(/export interface Client \{[^}]*pronouns: Generated<string>;/);
    expect(committed).toMatch(/export interface Couple \{[^}]*display_name: string;/);
    expect(changed).not.toMatch(/export interface Couple \{[^}]*display_name/);
  });
});
