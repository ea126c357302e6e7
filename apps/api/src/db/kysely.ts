import { Inject } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { DataSource, EntityManager } from 'typeorm';
import type { DB } from './schema.js';
import { TypeOrmDialect } from './typeorm-dialect.js';

/** Typed SQL on Tandem's schema (apps/api/src/db/schema.ts, generated from the migrations by `npm run db:types`). */
export type Db = Kysely<DB>;

/** Nest token of the Kysely that runs on the application's DataSource (outside any transaction). */
export const KYSELY = Symbol('kysely');
export const InjectKysely = () => Inject(KYSELY);

const bound = new WeakMap<object, Db>();

/**
 * The Kysely for whatever runs SQL today: the DataSource (a pooled connection
 * per statement), or a transaction's EntityManager (its connection, inside
 * its transaction). One instance per runner, made on first use.
 */
export function kyselyOn(runner: DataSource | EntityManager): Db {
  const known = bound.get(runner);
  if (known) return known;
  let db: Db;
  if ('createQueryRunner' in runner) {
    db = new Kysely<DB>({ dialect: new TypeOrmDialect({ dataSource: runner }) });
  } else if (runner.queryRunner) {
    db = new Kysely<DB>({ dialect: new TypeOrmDialect({ transaction: runner.queryRunner }) });
  } else {
    // A manager without a runner of its own (DataSource.manager) runs each statement on a pooled connection.
    db = kyselyOn(runner.connection);
  }
  bound.set(runner, db);
  return db;
}
