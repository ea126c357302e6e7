import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { DataSource, QueryRunner } from 'typeorm';
import { isDatabaseUnavailable } from '../common/error-body.js';

/** Statements whose row count Kysely reports as `numAffectedRows`. */
const COUNTS_ROWS = /^\s*(insert|update|delete|merge)\b/i;

/**
 * One TypeORM query runner seen as a Kysely connection. Statements go through
 * `QueryRunner.query`, so they share TypeORM's pool, its transactions and its
 * errors (`QueryFailedError`, which the error filter and the outage handling
 * already know).
 */
class QueryRunnerConnection implements DatabaseConnection {
  /** The connection-loss error a statement failed with: the connection is not given back to the pool for reuse. */
  lost: unknown;

  constructor(readonly runner: QueryRunner) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.runner.query(compiled.sql, [...compiled.parameters], true).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) this.lost = error;
      throw error;
    });
    const rows = (Array.isArray(result.records) ? result.records : []) as R[];
    if (COUNTS_ROWS.test(compiled.sql) && typeof result.affected === 'number') {
      return { rows, numAffectedRows: BigInt(result.affected) };
    }
    return { rows };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Tandem reads pages, not streams: streaming is not supported on TypeORM connections.');
  }
}

/**
 * Kysely on TypeORM's DataSource: a statement outside a transaction borrows a
 * query runner (a pooled connection) for itself, as `DataSource.query` does;
 * a Kysely bound to a transaction's runner uses that runner and never
 * releases, commits or rolls it back: the transaction belongs to whoever opened it.
 */
class TypeOrmDriver implements Driver {
  constructor(private readonly source: { dataSource: DataSource } | { transaction: QueryRunner }) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if ('transaction' in this.source) return new QueryRunnerConnection(this.source.transaction);
    return new QueryRunnerConnection(this.source.dataSource.createQueryRunner());
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if ('transaction' in this.source) throw new Error('This Kysely already runs inside a transaction.');
    await (connection as QueryRunnerConnection).runner.startTransaction(settings.isolationLevel === 'snapshot' ? undefined : settings.isolationLevel?.toUpperCase() as never);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as QueryRunnerConnection).runner.commitTransaction();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as QueryRunnerConnection).runner.rollbackTransaction();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if ('transaction' in this.source) return;
    const { runner, lost } = connection as QueryRunnerConnection;
    // A connection that was cut (the server ended it) goes back with its error, so pg-pool drops it
    // instead of handing it to the next request before its end event has arrived. TypeORM's Postgres
    // runner has this release (`releasePostgresConnection(err)`, which `release()` calls without one);
    // its typings keep it private.
    const releaseWith = (runner as unknown as { releasePostgresConnection?: (error: unknown) => Promise<void> }).releasePostgresConnection;
    if (lost && releaseWith) await releaseWith.call(runner, lost);
    else await runner.release();
  }

  async destroy(): Promise<void> {}
}

export class TypeOrmDialect implements Dialect {
  constructor(private readonly source: { dataSource: DataSource } | { transaction: QueryRunner }) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new TypeOrmDriver(this.source);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}
