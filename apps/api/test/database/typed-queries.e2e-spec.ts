import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, QueryFailedError } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { kyselyOn } from '../../src/db/kysely.js';
import { compiledOnce, compiledPerForm, type Slots } from '../../src/db/compiled-once.js';
import { Keyset, keysetForm, type KeysetForm, type KeysetSlots, type KeysetSpec } from '../../src/db/keyset.js';
import { PageCursors } from '../../src/common/cursor.js';
import { sql } from 'kysely';
import pg from 'pg';
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

  it('drops a connection the server cut: the next statement on a pool of one gets a new one, not the dead one', async () => {
    const single = new DataSource(dataSourceOptions(database.url, 1));
    await single.initialize();
    const killer = new pg.Client({ connectionString: database.url });
    await killer.connect();
    try {
      const db = kyselyOn(single);
      const { pid } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db).then((r) => r.rows[0]!);
      const sleeping = sql`SELECT pg_sleep(10)`.execute(db).catch((error: unknown) => error);
      while ((await killer.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE '%pg_sleep%'`, [pid])).rowCount === 0) await new Promise((r) => setTimeout(r, 20));
      await killer.query('SELECT pg_terminate_backend($1)', [pid]);
      expect(await sleeping).toBeInstanceOf(QueryFailedError);
      const next = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db).then((r) => r.rows[0]!);
      expect(next.pid).not.toBe(pid);
    } finally {
      await killer.end();
      await single.destroy();
    }
  });

  describe('queries compiled once', () => {
    const byName = compiledOnce((db, p: Slots<{ name: string; since: Date }>) =>
      db.selectFrom('practice').select(['id', 'name']).where('name', '=', p.name).where('created_at', '>=', p.since).where(sql<boolean>`${p.name} <> ''`),
    );

    it('send the same text every time, with each call\'s values in their places (a value used twice goes twice)', async () => {
      const db = kyselyOn(source);
      await db.insertInto('practice').values([{ name: 'Compiled A' }, { name: 'Compiled B' }]).execute();
      const sent: Array<{ text: string; values: unknown[] }> = [];
      const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
      pg.Client.prototype.query = function spy(this: pg.Client, ...args: unknown[]) {
        const q = (typeof args[0] === 'string' ? { text: args[0], values: args[1] } : args[0]) as { text: string; values?: unknown[] };
        if (q.text.includes('from "practice"')) sent.push({ text: q.text, values: [...(q.values ?? [])] });
        return query.apply(this, args);
      } as typeof pg.Client.prototype.query;
      try {
        const a = await byName.first(db, { name: 'Compiled A', since: new Date(0) });
        const b = await byName.execute(db, { name: 'Compiled B', since: new Date(0) });
        const none = await byName.first(db, { name: 'Compiled A', since: new Date(Date.now() + 86_400_000) });
        expect(a?.name).toBe('Compiled A');
        expect(b.rows.map((r) => r.name)).toEqual(['Compiled B']);
        expect(none).toBeUndefined();
      } finally {
        pg.Client.prototype.query = query as typeof pg.Client.prototype.query;
      }
      expect(sent).toHaveLength(3);
      expect(new Set(sent.map((s) => s.text)).size).toBe(1);
      expect(sent[0]!.text).toMatch(/"name" = \$1 and "created_at" >= \$2 and \$3 <> ''/);
      expect(sent[1]!.values).toEqual(['Compiled B', new Date(0), 'Compiled B']);
    });

    it('refuse a call without a value the query needs, and a value hidden inside another', async () => {
      const db = kyselyOn(source);
      await expect(byName.execute(db, { name: 'x' } as never)).rejects.toThrow('No value for "since"');
      const hidden = compiledOnce((k, p: Slots<{ name: string }>) => k.selectFrom('practice').select(sql<string>`${{ inner: p.name }}::text`.as('n')));
      await expect(hidden.execute(db, { name: 'y' })).rejects.toThrow('must stand alone as a value');
    });

    it('page by keyset in each form, the same pages as Keyset.read', async () => {
      const db = kyselyOn(source);
      const { id: practiceId } = await db.insertInto('practice').values({ name: 'Paged practice' }).returning('id').executeTakeFirstOrThrow();
      await db
        .insertInto('client')
        .values(Array.from({ length: 7 }, (_, i) => ({ practice_id: practiceId, name: `Client ${String(i).padStart(2, '0')}` })))
        .execute();
      const spec = (practice: string): KeysetSpec<{ name: string; id: string }> => ({
        scope: { list: 'compiled-test', practiceId: practice },
        direction: 'asc',
        keys: [
          { by: 'c.name', part: 'text', of: (r) => r.name },
          { by: 'c.id', part: 'uuid', of: (r) => r.id },
        ],
      });
      const page = compiledPerForm((k, p: Slots<{ practiceId: string } & KeysetSlots>, form: KeysetForm) =>
        keysetForm(k.selectFrom('client as c').select(['c.id', 'c.name']).where('c.practice_id', '=', p.practiceId), spec(''), p, form),
      );
      const cursors = new PageCursors([Buffer.alloc(32, 7)]);
      const names: string[][] = [];
      const direct: string[][] = [];
      let cursor: string | undefined;
      let directCursor: string | undefined;
      do {
        const keyset = new Keyset(cursors, spec(practiceId), { cursor, limit: '3' });
        const { rows: read } = await page.execute(db, keyset.form, { practiceId, ...keyset.slotValues });
        const result = keyset.page(read);
        names.push(result.rows.map((r) => r.name));
        cursor = result.nextCursor ?? undefined;
        const other = new Keyset(cursors, spec(practiceId), { cursor: directCursor, limit: '3' });
        const viaRead = await other.read(db.selectFrom('client as c').select(['c.id', 'c.name']).where('c.practice_id', '=', practiceId));
        direct.push(viaRead.rows.map((r) => r.name));
        directCursor = viaRead.nextCursor ?? undefined;
      } while (cursor);
      expect(names).toEqual([['Client 00', 'Client 01', 'Client 02'], ['Client 03', 'Client 04', 'Client 05'], ['Client 06']]);
      expect(direct).toEqual(names);
    });
  });
});
