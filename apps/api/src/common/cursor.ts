import { ValidationFailedError } from './app-error.js';

/** Opaque keyset cursors: the sort key of the last row of a page, base64url JSON. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | null {
  if (!cursor) return null;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return values;
    }
  } catch {
    // fall through
  }
  throw new ValidationFailedError({ cursor: 'is not a cursor this list gave out' });
}

export function pageLimit(limit: string | undefined, fallback = 50): number {
  return limit ? Number.parseInt(limit, 10) : fallback;
}
