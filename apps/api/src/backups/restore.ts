import { DataSource, MigrationExecutor, type Migration, type QueryRunner } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options.js';
import { MIGRATIONS } from '../../../../migrations/index.js';
import { BackupFileError, type BodyLine, type OpenedBackup } from './backup-file.js';
import { MIGRATION_TABLES } from './export.js';

export class RestoreTargetError extends Error {}

export interface RestoreSummary {
  tables: Array<{ name: string; rows: number }>;
  auditEvents: number;
  /** Migrations newer than the backup that ran after its rows were loaded. */
  migratedAfter: string[];
}

/** Runs only the migrations named (those the backed-up database had), or all of them. */
class MigrationsNamed extends MigrationExecutor {
  constructor(
    db: DataSource,
    runner: QueryRunner,
    private readonly names?: ReadonlySet<string>,
  ) {
    super(db, runner);
    this.transaction = 'none';
  }

  protected override getMigrations(): Migration[] {
    return super.getMigrations().filter((m) => !this.names || this.names.has(m.name));
  }
}

const knownMigrations = () => new Set(MIGRATIONS.map((m) => m.name));

/** Refuses a backup whose schema this Tandem does not know (made by a newer or a different build). */
export function assertSchemaKnown(backup: OpenedBackup): void {
  const known = knownMigrations();
  const unknown = backup.header.schema.migrations.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new BackupFileError(
      `This backup was made by a newer Tandem: its schema includes ${unknown.join(', ')}, which this version does not have. ` +
        'Update Tandem, then restore. Nothing was restored.',
    );
  }
}

/** Tables in an order where every table comes after the tables it references. */
async function parentsFirst(runner: QueryRunner, names: string[]): Promise<string[]> {
  const edges = (await runner.query(
    `SELECT child.relname AS child, parent.relname AS parent
       FROM pg_constraint c
       JOIN pg_class child ON child.oid = c.conrelid
       JOIN pg_class parent ON parent.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = child.relnamespace
      WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid`,
  )) as Array<{ child: string; parent: string }>;
  const ordered: string[] = [];
  const remaining = new Set(names);
  while (remaining.size > 0) {
    const ready = [...remaining].filter((t) => !edges.some((e) => e.child === t && remaining.has(e.parent))).sort();
    if (ready.length === 0) throw new Error(`tables reference each other in a cycle: ${[...remaining].join(', ')}`);
    for (const t of ready) {
      ordered.push(t);
      remaining.delete(t);
    }
  }
  return ordered;
}

/** Fails unless the database holds no tables: a restore never mixes with existing data. */
export async function assertEmptyDatabase(databaseUrl: string): Promise<void> {
  const db = new DataSource({ ...dataSourceOptions(databaseUrl, 1), migrations: [] });
  await db.initialize();
  try {
    const [row] = (await db.query(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')`,
    )) as Array<{ n: number }>;
    if (row!.n > 0) {
      throw new RestoreTargetError(
        `The target database is not empty (it has ${row!.n} tables). Restore into a new, empty database, or a new data folder. Nothing was restored.`,
      );
    }
  } finally {
    await db.destroy();
  }
}

/**
 * Restores a backup into an empty database, all in one transaction: the
 * migrations the backed-up database had, then its rows (with the chain and
 * guard triggers off, so audit hashes and signed notes come back exactly as
 * they were), then a check of the row counts and of the audit chain, then
 * any newer migrations. Anything that fails rolls everything back.
 * Call `checkBackupBody` first, so a damaged file is refused before this.
 */
export async function restoreBackup(backup: OpenedBackup, databaseUrl: string, progress: (message: string) => void = () => undefined): Promise<RestoreSummary> {
  assertSchemaKnown(backup);
  await assertEmptyDatabase(databaseUrl);
  const options = dataSourceOptions(databaseUrl, 1);
  const db = new DataSource({ ...options, extra: { ...(options.extra as object), statement_timeout: 0 } });
  await db.initialize();
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    await new MigrationsNamed(db, runner, new Set(backup.header.schema.migrations)).executePendingMigrations();
    progress(`schema ${backup.header.schema.version} created`);

    const tables = backup.header.tables;
    const existing = new Set(
      ((await runner.query(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
      )) as Array<{ name: string }>).map((r) => r.name),
    );
    const missing = tables.filter((t) => !existing.has(t.name) || MIGRATION_TABLES.includes(t.name));
    if (missing.length > 0) throw new BackupFileError(`The backup holds tables its schema does not have (${missing.map((t) => t.name).join(', ')}). Nothing was restored.`);
    const stage = new Map(tables.map((t, i) => [t.name, `tandem_restore_${i}`]));
    for (const name of stage.values()) await runner.query(`CREATE TEMP TABLE ${name} (doc json NOT NULL) ON COMMIT DROP`);

    // Rows go to staging tables first, then each table is filled in one statement, parents first:
    // foreign keys are checked at the end of each statement, so rows that reference rows of their own table load too.
    let current: string | undefined;
    let left = 0;
    let batch: string[] = [];
    let ended = false;
    const flush = async () => {
      if (batch.length === 0) return;
      await runner.query(`INSERT INTO ${stage.get(current!)} (doc) SELECT unnest($1::text[])::json`, [batch]);
      batch = [];
    };
    for await (const line of backup.lines()) {
      if (left > 0) {
        batch.push(line);
        left -= 1;
        if (batch.length >= 1_000) await flush();
        continue;
      }
      await flush();
      if (ended) continue;
      const entry = JSON.parse(line) as BodyLine;
      if ('end' in entry) {
        ended = true;
        continue;
      }
      if (!stage.has(entry.table)) throw new BackupFileError(`The backup's contents name a table its header does not (${entry.table}). Nothing was restored.`);
      current = entry.table;
      left = entry.rows;
    }
    await flush();

    const summary: RestoreSummary = { tables: [], auditEvents: 0, migratedAfter: [] };
    for (const table of await parentsFirst(runner, tables.map((t) => t.name))) {
      const ident = `public."${table.replace(/"/g, '""')}"`;
      const columns = ((await runner.query(
        `SELECT quote_ident(attname) AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
        [ident],
      )) as Array<{ name: string }>).map((c) => c.name);
      const list = columns.join(', ');
      await runner.query(`ALTER TABLE ${ident} DISABLE TRIGGER USER`);
      await runner.query(
        `INSERT INTO ${ident} (${list}) OVERRIDING SYSTEM VALUE SELECT ${columns.map((c) => `r.${c}`).join(', ')} FROM ${stage.get(table)} s CROSS JOIN LATERAL json_populate_record(NULL::${ident}, s.doc) r`,
      );
      await runner.query(`ALTER TABLE ${ident} ENABLE TRIGGER USER`);
      const [{ n }] = (await runner.query(`SELECT count(*)::int AS n FROM ${ident}`)) as Array<{ n: number }>;
      const expected = tables.find((t) => t.name === table)!.rows;
      if (n !== expected) throw new BackupFileError(`Table ${table} came back with ${n} rows instead of ${expected}. Nothing was restored.`);
      summary.tables.push({ name: table, rows: n });
    }
    progress(`${summary.tables.reduce((s, t) => s + t.rows, 0)} rows loaded`);

    // Sequences continue after the restored rows.
    const sequences = (await runner.query(
      `SELECT quote_ident(t.relname) AS tbl, quote_ident(a.attname) AS col, s.oid::regclass::text AS seq
         FROM pg_depend d
         JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
         JOIN pg_class t ON t.oid = d.refobjid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE n.nspname = 'public' AND d.deptype IN ('a', 'i') AND NOT (t.relname = ANY($1::text[]))`,
      [MIGRATION_TABLES],
    )) as Array<{ tbl: string; col: string; seq: string }>;
    for (const s of sequences) {
      await runner.query(`SELECT setval($1::regclass, m, true) FROM (SELECT max(${s.col}) AS m FROM public.${s.tbl}) x WHERE m IS NOT NULL`, [s.seq]);
    }

    if (stage.has('audit_event')) {
      const problems = (await runner.query(`SELECT chain_key, seq::text, problem FROM audit_verify() LIMIT 5`)) as Array<{ problem: string; seq: string }>;
      if (problems.length > 0) {
        throw new BackupFileError(`The restored audit log does not verify (entry ${problems[0]!.seq}: ${problems[0]!.problem}). Nothing was restored.`);
      }
      summary.auditEvents = summary.tables.find((t) => t.name === 'audit_event')?.rows ?? 0;
      progress(`audit chain verified (${summary.auditEvents} events)`);
    }

    const newer = await new MigrationsNamed(db, runner).executePendingMigrations();
    summary.migratedAfter = newer.map((m) => m.name);
    if (newer.length > 0) progress(`${newer.length} newer migration(s) applied`);
    await runner.commitTransaction();
    return summary;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
    await db.destroy();
  }
}
