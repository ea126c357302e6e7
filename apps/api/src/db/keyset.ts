import { sql, type Expression, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { pageLimit, type CursorPart, type CursorScope, type PageCursors } from '../common/cursor.js';

/** One column of a list's sort key. */
export interface SortKey<O> {
  /** The sort expression: a column (`'c.id'`) or SQL (`sql\`lower(c.name)\``). */
  by: string | Expression<unknown>;
  /** How the value looks in a cursor (checked when a cursor comes back). */
  part: CursorPart;
  /** The SQL type the cursor's value is cast to; by default the part's (uuid, timestamptz, date, bigint); `null` for none. */
  cast?: string | null;
  /** This key's value in a row, as the cursor carries it. */
  of: (row: O) => string;
}

export interface KeysetSpec<O> {
  /** What the cursor is signed for: the list, the practice, what narrows the list. */
  scope: CursorScope;
  keys: readonly SortKey<O>[];
  direction: 'asc' | 'desc';
}

/** The page a request asks for: the cursor from the previous page and a page size. */
export interface PageRequest {
  cursor?: string;
  limit?: string;
}

const DEFAULT_CAST: Record<CursorPart, string | null> = { uuid: 'uuid', timestamp: 'timestamptz', date: 'date', seq: 'bigint', text: null };

const expression = (by: string | Expression<unknown>): Expression<unknown> => (typeof by === 'string' ? sql.ref(by) : by);

type AnySelect<O> = SelectQueryBuilder<any, any, O>;

/** A keyset page statement's two forms: the first page, and a page after a cursor's sort key. */
export type KeysetForm = 'first' | 'after';

/** The slots a keyset page statement compiled per form takes (compiled-once.ts): the sort key after which to read, and how many rows. */
export type KeysetSlots = { keyset_rows: number } & { [key: `keyset_after_${number}`]: string };

function keysetPredicate<O>(spec: KeysetSpec<O>, after: readonly string[]): RawBuilder<boolean> {
  const columns = spec.keys.map((k) => expression(k.by));
  const values = spec.keys.map((k, i) => {
    const cast = k.cast === undefined ? DEFAULT_CAST[k.part] : k.cast;
    return cast ? sql`${after[i]}::${sql.raw(cast)}` : sql`${after[i]}`;
  });
  const op = sql.raw(spec.direction === 'asc' ? '>' : '<');
  return spec.keys.length === 1 ? sql<boolean>`${columns[0]} ${op} ${values[0]}` : sql<boolean>`(${sql.join(columns)}) ${op} (${sql.join(values)})`;
}

function applyKeyset<O, Q extends AnySelect<unknown>>(query: Q, spec: KeysetSpec<O>, after: readonly string[] | null, rows: number): Q {
  let q = (after ? query.where(keysetPredicate(spec, after)) : query) as AnySelect<unknown>;
  for (const key of spec.keys) q = q.orderBy(expression(key.by), spec.direction);
  return q.limit(rows) as Q;
}

/**
 * `Keyset.apply` for a list statement compiled per form (compiled-once.ts): the same
 * predicate, order and limit, with the cursor's values and the row count as slots.
 */
export function keysetForm<O, Q extends AnySelect<unknown>>(query: Q, spec: Pick<KeysetSpec<O>, 'keys' | 'direction'>, p: KeysetSlots, form: KeysetForm): Q {
  const after = form === 'after' ? spec.keys.map((_, i) => p[`keyset_after_${i}`]!) : null;
  return applyKeyset(query, spec as KeysetSpec<O>, after, p.keyset_rows);
}

/**
 * Keyset pagination, the one way Tandem pages a list: the rows after the
 * cursor's sort key (a row-value comparison the list's index answers), one
 * more than a page to know whether another follows, and the next cursor
 * signed (PageCursors) for this list, practice and subject.
 */
export class Keyset<O> {
  readonly limit: number;
  /** The sort key the request's cursor carries, or null on the first page; a bad cursor is a 400 before any SQL. */
  readonly after: string[] | null;

  constructor(
    private readonly cursors: PageCursors,
    private readonly spec: KeysetSpec<O>,
    request: PageRequest,
    defaultLimit = 50,
  ) {
    this.limit = pageLimit(request.limit, defaultLimit);
    this.after = cursors.decode(request.cursor, spec.scope, spec.keys.map((k) => k.part)) as string[] | null;
  }

  /** `(k1, k2) > (v1, v2)` (`<` when descending) for a sort key, or null without one. */
  predicate(after: readonly string[] | null = this.after): RawBuilder<boolean> | null {
    return after ? keysetPredicate(this.spec, after) : null;
  }

  /**
   * The query narrowed to after the sort key (the cursor's by default), ordered by it, and limited to
   * `rows` (a page and one more by default; an export reading batches says its own).
   */
  apply<Q extends AnySelect<unknown>>(query: Q, after: readonly string[] | null = this.after, rows = this.limit + 1): Q {
    return applyKeyset(query, this.spec, after, rows);
  }

  /** Which form this page's statement takes, for a list compiled per form (`keysetForm`). */
  get form(): KeysetForm {
    return this.after ? 'after' : 'first';
  }

  /** The values of a compiled page statement's keyset slots: the cursor's sort key and the rows to read. */
  get slotValues(): KeysetSlots {
    const values: KeysetSlots = { keyset_rows: this.limit + 1 };
    this.after?.forEach((value, i) => (values[`keyset_after_${i}`] = value));
    return values;
  }

  /** A page of the rows read (at most limit + 1) and the cursor of the next, when there is one. */
  page<R extends O>(rows: R[]): { rows: R[]; nextCursor: string | null } {
    const last = rows.length > this.limit ? rows[this.limit - 1] : undefined;
    return {
      rows: rows.slice(0, this.limit),
      nextCursor: last ? this.cursors.encode(this.spec.scope, this.spec.keys.map((k) => k.of(last))) : null,
    };
  }

  /** Reads one page of `query`. */
  async read<R extends O>(query: AnySelect<R>): Promise<{ rows: R[]; nextCursor: string | null }> {
    return this.page(await this.apply(query).execute());
  }
}
