import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DB } from './schema.js';

/**
 * Row shapes of every table, written once: derived from the generated schema
 * (schema.ts), never by hand. `Row<'client'>` is what a SELECT * gives,
 * `NewRow<'client'>` what an INSERT needs (defaults optional), `RowChange`
 * what an UPDATE may set.
 */
export type Table = keyof DB;
export type Row<T extends Table> = Selectable<DB[T]>;
export type NewRow<T extends Table> = Insertable<DB[T]>;
export type RowChange<T extends Table> = Updateable<DB[T]>;
