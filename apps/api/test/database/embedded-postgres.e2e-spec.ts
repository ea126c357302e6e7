import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createLogger } from '../../src/common/logger.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

describe('the embedded PostgreSQL server', () => {
  const logger = createLogger('silent');
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  async function query(url: string, sql: string) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('keeps its data across restarts and starts again after a crash left a stale lock', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-embedded-'));
    const first = await startEmbeddedPostgres(dir, logger);
    await query(first.adminUrl, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
    await first.stop();

    // A crash leaves postmaster.pid behind, naming a process that no longer exists.
    await fs.writeFile(path.join(dir, 'pg', 'postmaster.pid'), `4194000\n${path.join(dir, 'pg')}\n0\n0\n`);
    const second = await startEmbeddedPostgres(dir, logger);
    try {
      expect(await query(second.adminUrl, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    } finally {
      await second.stop();
    }
  });
});
