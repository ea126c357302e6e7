import crypto from 'node:crypto';
import pg from 'pg';

/** A statement is prepared on a connection from its second use there (one-off statements stay unnamed). */
export const PREPARE_FROM_USE = 2;
/** At most this many prepared statements per connection; further texts stay unnamed. */
export const MAX_PREPARED_PER_CONNECTION = 300;
/** Texts counted per connection before the count starts again (dynamic SQL cannot grow it without bound). */
const MAX_COUNTED = 2_000;

interface Seen {
  uses: number;
  name?: string;
}

/**
 * The pool's connection class (`extra.Client` in the data source options): a `pg.Client` that sends
 * a parameterised statement it has seen before on this connection as a named, prepared one, so
 * PostgreSQL parses it once per connection and, for statements where its plan cache finds a generic
 * plan as good as a custom one, plans it once too. Results are the same rows: the text and values are
 * unchanged, only the protocol messages differ. Statements without parameters (transaction control,
 * multi-statement scripts, migrations) and calls with a callback are passed through untouched.
 */
export class PreparingClient extends pg.Client {
  private readonly seen = new Map<string, Seen>();
  private prepared = 0;

  /** The name to send `text` under on this connection, once it is worth preparing. */
  nameFor(text: string): string | undefined {
    let seen = this.seen.get(text);
    if (!seen) {
      if (this.seen.size >= MAX_COUNTED) {
        // Forget texts never prepared; prepared ones keep their names (the server holds them).
        for (const [key, value] of this.seen) if (!value.name) this.seen.delete(key);
      }
      seen = { uses: 0 };
      this.seen.set(text, seen);
    }
    seen.uses += 1;
    if (!seen.name && seen.uses >= PREPARE_FROM_USE && this.prepared < MAX_PREPARED_PER_CONNECTION) {
      seen.name = `t_${crypto.createHash('sha1').update(text).digest('base64url')}`;
      this.prepared += 1;
    }
    return seen.name;
  }
}

// pg's query() has many overloads: this keeps their types and only reroutes (text, values) without a
// callback. pg.Client.prototype.query is looked up at each call, so whatever wraps it still sees every call.
PreparingClient.prototype.query = function query(this: PreparingClient, ...args: unknown[]) {
  const [text, values, callback] = args;
  const base = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
    const name = this.nameFor(text);
    if (name) return base.call(this, { name, text, values });
  }
  return base.apply(this, args);
} as pg.Client['query'];
