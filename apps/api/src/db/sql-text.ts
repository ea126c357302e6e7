import { sql, type RawBuilder } from 'kysely';

const MARK = '\u0001';

/**
 * A named slot for SQL that another module keeps as text (the access
 * predicates, the primary-clinician join): `onClientTeam('c', slot('me'))`
 * writes the slot where a placeholder goes, and `sqlText` turns it into a
 * parameter of the Kysely query it joins.
 */
export const slot = (name: string) => `${MARK}${name}${MARK}`;

/** SQL text with `slot(name)` markers as a Kysely fragment; each marker becomes a bound parameter. */
export function sqlText<T = unknown>(text: string, values: Record<string, unknown> = {}): RawBuilder<T> {
  const parts = text.split(MARK);
  if (parts.length === 1) return sql.raw<T>(text);
  const pieces: RawBuilder<unknown>[] = [];
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      if (part) pieces.push(sql.raw(part));
    } else {
      if (!(part in values)) throw new Error(`No value for the SQL slot "${part}".`);
      pieces.push(sql`${values[part]}`);
    }
  });
  return sql.join<T>(pieces, sql.raw(''));
}
