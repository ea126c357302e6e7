import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { ConnectionErrorGuard } from './connection-errors.js';
import { runMigrationsLocked } from './migrate.js';
import { KYSELY, kyselyOn } from '../db/kysely.js';

/** Connects, then migrates under an advisory lock (several processes may start at once on one database). */
async function connectAndMigrate(options?: DataSourceOptions): Promise<DataSource> {
  const db = new DataSource(options!);
  await db.initialize();
  try {
    await runMigrationsLocked(db);
  } catch (error) {
    // TypeOrmModule retries the whole factory: leave no pool behind.
    await db.destroy().catch(() => undefined);
    throw error;
  }
  return db;
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, poolSize: number): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(url, poolSize),
            retryAttempts: 3,
            retryDelay: 1000,
          }),
          dataSourceFactory: connectAndMigrate,
        }),
      ],
      providers: [
        ConnectionErrorGuard,
        // Typed queries (Kysely) on the same DataSource: same pool, same transactions.
        { provide: KYSELY, inject: [getDataSourceToken()], useFactory: (dataSource: DataSource) => kyselyOn(dataSource) },
      ],
      exports: [KYSELY],
    };
  }
}
