import pg from 'pg';
import { writeBackupFile, type BackupHeader } from './backup-file.js';
import type { BackupKeyring } from './backup-keys.js';

/** Tables that the migrations own and recreate: never exported. */
export const MIGRATION_TABLES = ['migrations', 'typeorm_metadata'];

export interface BackupResult {
  file: string;
  bytes: number;
  sha256: string;
  createdAt: Date;
  schemaVersion: string;
  tables: BackupHeader['tables'];
}

const FETCH_ROWS = 2_000;

export class NothingToBackUpError extends Error {}

/**
 * A logical export of Tandem's tables in one REPEATABLE READ, READ ONLY
 * transaction: every table is read in the same snapshot, so the backup is
 * exactly the database as it was at one instant, with every write committed
 * before that instant and none after. Writers are never blocked (the
 * transaction takes only the locks that keep tables from being dropped).
 *
 * With `lockKey`, only one backup runs at a time across every Tandem process
 * on the database: a second one returns undefined.
 */
export async function exportDatabase(
  databaseUrl: string,
  keys: BackupKeyring,
  dir: string,
  options: { lockKey?: number } = {},
): Promise<BackupResult | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'tandem-backup' });
  await client.connect();
  try {
    if (options.lockKey !== undefined) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [options.lockKey]);
      if (!rows[0]!.locked) return undefined;
    }
    await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`);
    await client.query(`SET LOCAL statement_timeout = 0`);
    await client.query(`SET LOCAL idle_in_transaction_session_timeout = 0`);
    await client.query(`SET LOCAL TimeZone = 'UTC'`);
    // The first statement fixes the snapshot: everything below sees the database as of this instant.
    const createdAt = (await client.query<{ now: Date }>(`SELECT clock_timestamp() AS now`)).rows[0]!.now;
    const { rows: migrations } = await client
      .query<{ name: string }>(`SELECT name FROM migrations ORDER BY timestamp, id`)
      .catch(() => ({ rows: [] as Array<{ name: string }> }));
    if (migrations.length === 0) throw new NothingToBackUpError('This database holds no Tandem schema (no migrations have run): there is nothing to back up.');
    const { rows: tableRows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY($1::text[])) ORDER BY c.relname`,
      [MIGRATION_TABLES],
    );
    const tables: BackupHeader['tables'] = [];
    for (const { name } of tableRows) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM public.${client.escapeIdentifier(name)}`);
      tables.push({ name, rows: Number(rows[0]!.n) });
    }
    const dataKeyIds = (await client.query<{ key_id: string }>(`SELECT key_id FROM data_key_check ORDER BY key_id`).catch(() => ({ rows: [] }))).rows.map(
      (r) => r.key_id,
    );
    const postgres = (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
    const schemaVersion = migrations.at(-1)!.name;

    async function* body(): AsyncGenerator<string> {
      for (const table of tables) {
        yield JSON.stringify({ table: table.name, rows: table.rows }) + '\n';
        if (table.rows === 0) continue;
        await client.query(`DECLARE tandem_backup NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM public.${client.escapeIdentifier(table.name)} t`);
        for (;;) {
          const { rows } = await client.query<{ j: string }>(`FETCH ${FETCH_ROWS} FROM tandem_backup`);
          if (rows.length === 0) break;
          yield rows.map((r) => r.j).join('\n') + '\n';
        }
        await client.query(`CLOSE tandem_backup`);
      }
      yield JSON.stringify({ end: true }) + '\n';
    }

    const written = await writeBackupFile(
      dir,
      {
        createdAt: createdAt.toISOString(),
        schema: { version: schemaVersion, migrations: migrations.map((m) => m.name) },
        tables,
        dataKeyIds,
        postgres,
      },
      keys.current,
      body(),
    );
    await client.query('COMMIT');
    return { ...written, createdAt, schemaVersion, tables };
  } finally {
    await client.end().catch(() => undefined);
  }
}
