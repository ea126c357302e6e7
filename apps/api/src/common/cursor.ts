import crypto from 'node:crypto';
import { ValidationFailedError } from './app-error.js';

/**
 * Keyset cursors, opaque and tamper-evident. A cursor is the sort key of the
 * last row of a page (base64url JSON) and an HMAC-SHA256 tag over it and the
 * list it belongs to: the list's name, the practice, and whatever narrows the
 * list (a client's notes, a portal client's history). A cursor that was edited,
 * made up, or given out by another list or practice fails the tag and is a 400
 * naming `cursor`, before any SQL runs. The values are then checked against
 * the list's sort key anyway (a uuid is a uuid, a time a time).
 *
 * The key is derived from the data key (HKDF), so every API process agrees
 * and a cursor survives restarts; after a key rotation, cursors signed under
 * the previous key still verify.
 */

/** How each value of a sort key must look. */
export type CursorPart = 'uuid' | 'text' | 'timestamp' | 'date' | 'seq';

export interface CursorScope {
  /** The list, including anything that changes its order (`clients:recent`). */
  list: string;
  practiceId: string;
  /** What the list is narrowed to by the caller's identity or path (a subject, a portal client). */
  within?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SEQ = /^[1-9][0-9]{0,17}$/;
const TAG_BYTES = 16;
/** Longer than any cursor Tandem gives out (a 200-character name of 4-byte characters). */
export const MAX_CURSOR_LENGTH = 2000;

const PART_OK: Record<CursorPart, (v: unknown) => boolean> = {
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  text: (v) => typeof v === 'string' && v.length <= 1000 && !v.includes('\u0000'),
  timestamp: (v) => typeof v === 'string' && TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v)),
  date: (v) => typeof v === 'string' && DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
  seq: (v) => typeof v === 'string' && SEQ.test(v),
};

const refused = () => new ValidationFailedError({ cursor: 'is not a cursor this list gave out' });

export class PageCursors {
  /** Imported once, as for the field cipher: an HMAC keyed by a KeyObject skips a key import a Buffer costs on every call. */
  private readonly keys: crypto.KeyObject[];

  /** `keys`: secrets derived from the data keys, current first. */
  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new Error('page cursors need a key');
    this.keys = keys.map((key) => crypto.createSecretKey(key));
  }

  encode(scope: CursorScope, values: string[]): string {
    const payload = Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
    return `${payload}.${this.tag(this.keys[0]!, scope, payload).toString('base64url')}`;
  }

  /** The sort key a cursor carries (shaped as `parts`), null without a cursor, or a 400 naming `cursor`. */
  decode<const P extends readonly CursorPart[]>(cursor: string | undefined, scope: CursorScope, parts: P): { [K in keyof P]: string } | null {
    if (cursor === undefined || cursor === '') return null;
    if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH) throw refused();
    const match = /^([A-Za-z0-9_-]{1,1900})\.([A-Za-z0-9_-]{22})$/.exec(cursor);
    if (!match) throw refused();
    const [, payload, tag] = match as unknown as [string, string, string];
    const given = Buffer.from(tag, 'base64url');
    if (!this.keys.some((key) => crypto.timingSafeEqual(this.tag(key, scope, payload), given))) throw refused();
    let values: unknown;
    try {
      values = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw refused();
    }
    if (!Array.isArray(values) || values.length !== parts.length || !parts.every((part, i) => PART_OK[part](values[i]))) throw refused();
    return values as { [K in keyof P]: string };
  }

  private tag(key: crypto.KeyObject, scope: CursorScope, payload: string): Buffer {
    return crypto
      .createHmac('sha256', key)
      .update(JSON.stringify([scope.list, scope.practiceId, scope.within ?? null, payload]))
      .digest()
      .subarray(0, TAG_BYTES);
  }
}

/** The secret cursors are signed with, derived from one data key; a fixed label keeps it apart from any other use of the key. */
export function cursorKey(dataKey: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', dataKey, Buffer.alloc(0), 'tandem page cursor v1', 32));
}

export function pageLimit(limit: string | undefined, fallback = 50): number {
  return limit ? Number.parseInt(limit, 10) : fallback;
}
