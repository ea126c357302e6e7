import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, QueryFailedError } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { kyselyOn } from '../../src/db/kysely.js';
import { createTestDatabase } from '../support/test-app.js';

/** Kysely runs on TypeORM's connections: the pool outside a transaction, the transaction's own connection inside one. */
describe('typed queries on TypeORM connections', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let source: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    source = new DataSource(dataSourceOptions(database.url, 2));
    await source.initialize();
  });

  afterAll(async () => {
    await source?.destroy();
    await database?.drop();
  });

  it('inserts, reads and counts changed rows on the pool', async () => {
    const db = kyselyOn(source);
    expect(kyselyOn(source)).toBe(db);
    const { id } = await db.insertInto('practice').values({ name: 'Typed practice' }).returning('id').executeTakeFirstOrThrow();
    const row = await db.selectFrom('practice').select(['name', 'created_at', 'timezone']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.name).toBe('Typed practice');
    expect(row.created_at).toBeInstanceOf(Date);
    const update = await db.updateTable('practice').set({ name: 'Renamed' }).where('id', '=', id).executeTakeFirst();
    expect(update.numUpdatedRows).toBe(1n);
    const none = await db.updateTable('practice').set({ name: 'Nobody' }).where('id', '=', '00000000-0000-0000-0000-000000000000').executeTakeFirst();
    expect(none.numUpdatedRows).toBe(0n);
  });

  it('runs inside a TypeORM transaction: seen there before the commit, gone after a rollback', async () => {
    const outside = kyselyOn(source);
    let id = '';
    await expect(
      source.transaction(async (tx) => {
        const db = kyselyOn(tx);
        ({ id } = await db.insertInto('practice').values({ name: 'Rolled back' }).returning('id').executeTakeFirstOrThrow());
        expect(await db.selectFrom('practice').select('id').where('id', '=', id).executeTakeFirst()).toEqual({ id });
        // Another connection does not see the uncommitted row.
        expect(await outside.selectFrom('practice').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(id).not.toBe('');
    expect(await outside.selectFrom('practice').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });

  it('fails as TypeORM queries fail (QueryFailedError), which the error handling already knows', async () => {
    const db = kyselyOn(source);
    const failed = await db
      .insertInto('practice')
      .values({ name: null as unknown as string })
      .execute()
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(QueryFailedError);
    expect(((failed as QueryFailedError).driverError as Error & { code?: string }).code).toBe('23502');
  });
});
