import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../../migrations/index.js';
import { PreparingClient } from './preparing-client.js';

/** How long a query waits for a connection (a new one, or a free one in the pool) before it fails: the longest a request can wait before its 503 while PostgreSQL is away. */
export const CONNECT_TIMEOUT_MS = 3_000;
/** The longest one statement may run. */
export const STATEMENT_TIMEOUT_MS = 15_000;

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    // No entities: TypeORM gives connections, transactions and migrations; queries are typed with Kysely (src/db).
    entities: [],
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      application_name: 'tandem',
      // Repeated parameterised statements are prepared once per connection (see preparing-client.ts).
      Client: PreparingClient,
    },
  };
}
