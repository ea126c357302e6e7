import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type Compilable, type CompiledQuery, type QueryResult } from 'kysely';
import type { DB } from './schema.js';
import type { Db } from './kysely.js';

/** Where a value goes in a query compiled once: stands in for the value while the query is built. */
class Slot {
  constructor(readonly key: string) {}
}

/** The values a query compiled once is built with: each reads as its type, and is a slot for it. */
export type Slots<P> = { readonly [K in keyof P]: P[K] };

/** Builds SQL only, never runs it (Kysely's documented "cold" instance: a driver that connects nowhere). */
const builder = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * A query on the request path, built and compiled the first time it runs and
 * then sent with each call's values. Building a Kysely query walks and
 * freezes a tree of nodes and compiling it walks the tree again: for the
 * statements every request sends (the session, access, the page's list) that
 * costs as much CPU as the database's answer. The text is the same on every
 * call, so PreparingClient prepares it on each connection as before.
 *
 * `build` receives slots, not values: it may place them anywhere a value goes
 * (`where('id', '=', p.id)`, `sql\`… ${p.seconds}\``) but must not look at
 * them, branch on them or turn them into SQL text (`sql.lit`), since it runs once.
 */
export function compiledOnce<P extends Record<string, unknown>, R>(build: (db: Db, p: Slots<P>) => Compilable<R>) {
  const query = compiledPerForm((db, p: Slots<P>, _form: 'one') => build(db, p));
  return {
    /** Runs the query with these values on `db` (the pool's Kysely, or a transaction's). */
    execute: (db: Db, values: P): Promise<QueryResult<R>> => query.execute(db, 'one', values),
    /** The first row, or undefined. */
    first: async (db: Db, values: P): Promise<R | undefined> => (await query.execute(db, 'one', values)).rows[0],
  };
}

/**
 * The same for a query with a few forms (a list's first page and the pages
 * after a cursor; a filter given or not): `build` gets the form as well,
 * may branch on it, and each form is compiled the first time it runs.
 */
export function compiledPerForm<P extends Record<string, unknown>, F extends string, R>(build: (db: Db, p: Slots<P>, form: F) => Compilable<R>) {
  const forms = new Map<F, CompiledQuery<R>>();
  const compile = (form: F): CompiledQuery<R> => {
    // Every name is a slot (`has` too, so `sqlText` finds the values it names).
    const slots = new Proxy({} as Slots<P>, { get: (_target, key) => new Slot(String(key)), has: () => true });
    const query = build(builder, slots, form).compile();
    for (const value of query.parameters) {
      // A value built in (a constant of the statement) is fine; a slot hidden inside one would be sent as an object.
      if (value && typeof value === 'object' && !(value instanceof Slot) && Object.values(value).some((v) => v instanceof Slot)) {
        throw new Error('A slot of a compiled query must stand alone as a value.');
      }
    }
    forms.set(form, query);
    return query;
  };
  return {
    /** Runs the query's `form` with these values on `db` (the pool's Kysely, or a transaction's). */
    async execute(db: Db, form: F, values: P): Promise<QueryResult<R>> {
      const compiled = forms.get(form) ?? compile(form);
      const parameters = compiled.parameters.map((value) => {
        if (!(value instanceof Slot)) return value;
        if (!(value.key in values)) throw new Error(`No value for "${value.key}" in a compiled query.`);
        return values[value.key];
      });
      return db.executeQuery<R>({ ...compiled, parameters });
    },
  };
}
