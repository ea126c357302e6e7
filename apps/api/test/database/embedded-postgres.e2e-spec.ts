import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createLogger } from '../../src/common/logger.js';
import { freePort, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

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

  it('when the port it chose is taken before the server binds it, starts on another; a port it was given, it keeps', async () => {
    dir ??= await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-embedded-'));
    // Another program holds this port, as one can between the choice and the bind.
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as net.AddressInfo).port;
    try {
      const offered: number[] = [];
      const server = await startEmbeddedPostgres(dir, logger, {
        choosePort: async () => {
          const port = offered.length === 0 ? taken : await freePort();
          offered.push(port);
          return port;
        },
      });
      try {
        expect(offered).toHaveLength(2);
        expect(server.port).toBe(offered[1]);
        expect(await query(server.adminUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      } finally {
        await server.stop();
      }
      await expect(startEmbeddedPostgres(dir, logger, { port: taken })).rejects.toThrow(/did not start/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});

