import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { ConnectionErrorGuard } from './connection-errors.js';
import { KYSELY, kyselyOn } from '../db/kysely.js';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, poolSize: number): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(url, poolSize),
          migrationsRun: true,
          retryAttempts: 3,
          retryDelay: 1000,
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
