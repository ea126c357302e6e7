import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '../support/test-app.js';
import { MAX_PREPARED_PER_CONNECTION, PreparingClient } from '../../src/database/preparing-client.js';

/** The pool's connection class: repeated parameterised statements become prepared ones, with the same rows. */
describe('prepared statements on the pool', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: PreparingClient;
  beforeAll(async () => {
    database = await createTestDatabase();
    client = new PreparingClient({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  const preparedTexts = async () =>
    ((await client.query(`SELECT statement FROM pg_prepared_statements`)).rows as Array<{ statement: string }>).map((r) => r.statement);

  it('prepares a parameterised statement from its second use, and answers with the same rows', async () => {
    const text = `SELECT $1::int + 1 AS n, $2::text AS word`;
    const first = await client.query(text, [1, 'one']);
    expect(await preparedTexts()).not.toContain(text);
    const second = await client.query(text, [1, 'one']);
    const third = await client.query(text, [41, 'two']);
    expect(await preparedTexts()).toContain(text);
    expect(second.rows).toEqual(first.rows);
    expect(third.rows).toEqual([{ n: 42, word: 'two' }]);
  });

  it('leaves statements without parameters (transaction control, scripts) unnamed', async () => {
    for (let i = 0; i < 3; i++) await client.query(`SELECT 1 AS one; SELECT 2 AS two`);
    expect((await preparedTexts()).some((t) => t.includes('SELECT 2 AS two'))).toBe(false);
  });

  it('an error in a prepared statement is the same error, and the connection keeps working', async () => {
    const text = `SELECT 1 / $1::int AS q`;
    await client.query(text, [1]);
    await client.query(text, [1]);
    await expect(client.query(text, [0])).rejects.toMatchObject({ code: '22012' });
    expect((await client.query(text, [1])).rows).toEqual([{ q: 1 }]);
  });

  it('prepares no more than its limit per connection', async () => {
    for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 20; i++) {
      const text = `SELECT $1::int + ${i} AS n`;
      await client.query(text, [i]);
      expect((await client.query(text, [i])).rows).toEqual([{ n: 2 * i }]);
    }
    expect((await preparedTexts()).length).toBe(MAX_PREPARED_PER_CONNECTION);
  });
});
