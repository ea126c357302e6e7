import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { ensureDatabase, withDatabase } from '../database/ensure-database.js';
import { resolveDatabase } from '../database/resolve-database.js';
import { RestoreTargetError } from './restore.js';

export interface DatabaseHandle {
  url: string;
  /** Stops what was started for this command (never a server Tandem is running on). */
  stop(): Promise<void>;
}

const exists = (file: string) => fs.access(file).then(() => true, () => false);

/** The embedded server Tandem is running on right now, from its lock file; undefined when none runs. */
async function runningEmbeddedServer(dbDir: string): Promise<string | undefined> {
  const lock = await fs.readFile(path.join(dbDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!lock) return undefined;
  const [pidLine, , , portLine] = lock.split('\n');
  const pid = Number.parseInt(pidLine ?? '', 10);
  const port = Number.parseInt(portLine ?? '', 10);
  if (!Number.isFinite(pid) || !Number.isFinite(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user (the server runs as `postgres` when Tandem runs as root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline !== undefined && !cmdline.includes('postgres')) return undefined;
  const password = (await fs.readFile(path.join(dbDir, 'pg-password'), 'utf8')).trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/tandem`;
}

/**
 * Tandem's database for a command line tool: DATABASE_URL; or the embedded
 * server Tandem is running on (found through its lock file, so a backup
 * needs no restart); or, when Tandem is stopped, the embedded server started
 * for the command and stopped after it.
 */
export async function openTandemDatabase(config: AppConfig, logger: Logger): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  const dbDir = path.join(config.dataDir, 'db');
  if (!(await exists(path.join(dbDir, 'pg', 'PG_VERSION')))) {
    throw new RestoreTargetError(`There is no Tandem database in ${config.dataDir} (set TANDEM_DATA_DIR or DATABASE_URL).`);
  }
  const running = await runningEmbeddedServer(dbDir);
  if (running) return { url: running, stop: async () => undefined };
  const database = await resolveDatabase(config, logger);
  return { url: database.url, stop: () => database.stop() };
}

export interface RestoreTarget extends DatabaseHandle {
  /** Where the data went, for the user. */
  description: string;
  /** After a failed restore: removes what was created for it. */
  discard(): Promise<void>;
}

/**
 * Where `npm run restore` puts the data: the empty database in DATABASE_URL,
 * or a new embedded database in TANDEM_DATA_DIR (which must not hold one yet;
 * it may already hold the keys folder).
 */
export async function newRestoreTarget(config: AppConfig, logger: Logger): Promise<RestoreTarget> {
  if (config.databaseUrl) {
    const u = new URL(config.databaseUrl);
    return {
      url: config.databaseUrl,
      description: `database ${decodeURIComponent(u.pathname.slice(1))} on ${u.hostname}`,
      stop: async () => undefined,
      discard: async () => undefined,
    };
  }
  const dbDir = path.join(config.dataDir, 'db');
  if (await exists(path.join(dbDir, 'pg', 'PG_VERSION'))) {
    throw new RestoreTargetError(
      `${config.dataDir} already holds a Tandem database. Restore into a new data folder (TANDEM_DATA_DIR=./restored npm run restore -- FILE), ` +
        'or move the old folder away first. Nothing was restored.',
    );
  }
  const dataDirExisted = await exists(config.dataDir);
  const server = await startEmbeddedPostgres(dbDir, logger);
  await ensureDatabase(server.adminUrl, 'tandem');
  return {
    url: server.urlFor('tandem'),
    description: `a new embedded database in ${config.dataDir}`,
    stop: () => server.stop(),
    async discard() {
      await server.stop().catch(() => undefined);
      await fs.rm(dbDir, { recursive: true, force: true });
      if (!dataDirExisted) await fs.rm(config.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A server on which `npm run backup:verify` may create a scratch database:
 * DATABASE_URL's, the running embedded one, or a temporary embedded server.
 */
export async function scratchServer(config: AppConfig, logger: Logger): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  const running = await runningEmbeddedServer(path.join(config.dataDir, 'db'));
  if (running) return { url: running, stop: async () => undefined };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-verify-'));
  const server = await startEmbeddedPostgres(dir, logger);
  return {
    url: server.adminUrl,
    async stop() {
      await server.stop().catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a scratch database beside `serverUrl`'s; `drop` removes it. */
export async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tandem_verify_${crypto.randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  return { url: withDatabase(serverUrl, name), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
