import crypto from 'node:crypto';
import type pg from 'pg';
import { hashToken } from '../src/common/tokens.js';
import type { CapturedQuery, SubmitTemplate } from './messages.js';
import type { SubmitTarget } from './prepare.js';

/** The name a statement is prepared under: the same text gets the same name on every connection. */
export function statementName(text: string): string {
  return `floor_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
}

/**
 * Runs recorded statements in order on one connection; the rows of each, in order. `prepared`:
 * as named statements (the driver parses and plans each once per connection, then only binds and
 * executes), the floor Tandem can reach by preparing everything it sends.
 */
export async function replay(pool: pg.Pool, queries: CapturedQuery[], swap?: (v: unknown) => unknown, prepared = false): Promise<unknown[]> {
  const client = await pool.connect();
  try {
    const out: unknown[] = [];
    for (const q of queries) {
      const values = swap ? q.values.map(swap) : q.values;
      out.push((await (prepared ? client.query({ name: statementName(q.text), text: q.text, values }) : client.query(q.text, values))).rows);
    }
    return out;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The recorded submission's values, with the template's ids swapped for the
 * target's (assignment, client, portal session and its token's hash) and
 * fresh ids for what the submission creates (the response, the submission id).
 */
export function submitSwap(template: SubmitTemplate, target: SubmitTarget): (v: unknown) => unknown {
  const swaps = new Map<string, unknown>([
    [template.target.assignmentId, target.assignmentId],
    [template.target.clientId, target.clientId],
    [template.target.sessionId, target.sessionId],
    [template.responseId, crypto.randomUUID()],
    [template.submissionId, crypto.randomUUID()],
  ]);
  const oldHash = hashToken(template.target.token);
  const newHash = hashToken(target.token);
  return (v) => (typeof v === 'string' && swaps.has(v) ? swaps.get(v) : Buffer.isBuffer(v) && v.equals(oldHash) ? newHash : v);
}
