import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { MIGRATIONS } from '../../../../migrations/index.js';

const FOLDER = path.resolve(import.meta.dirname, '../../../../migrations');

/** The migrations list is written out by hand (an ES module import each); this keeps it honest against the folder. */
describe('the migrations list', () => {
  it('names every migration file in the folder, oldest first, each with a down()', async () => {
    const files = (await fs.readdir(FOLDER)).filter((f) => /^\d{13}-.+\.ts$/.test(f)).sort();
    const stamps = (names: string[]) => names.map((n) => n.match(/(\d{13})/)![1]);
    const listed = MIGRATIONS.map((m) => m.name);
    expect(stamps(listed)).toEqual(stamps(files));
    for (const migration of MIGRATIONS) {
      const instance = new migration();
      expect(instance.name).toBe(migration.name);
      expect(typeof instance.down).toBe('function');
    }
  });

  it('is what the test template database was migrated with', async () => {
    const url = new URL(process.env.TANDEM_TEST_ADMIN_URL!);
    url.pathname = `/${process.env.TANDEM_TEST_TEMPLATE}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(`SELECT name FROM migrations ORDER BY id`);
      expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    } finally {
      await client.end();
    }
  });
});
