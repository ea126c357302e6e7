import type pg from 'pg';
import type { CapturedQuery } from './messages.js';

export interface QueryCost {
  statements: number;
  /** Summed over the endpoint's reads, from EXPLAIN (ANALYZE, BUFFERS). */
  executionMs: number;
  buffers: number;
}

interface PlanNode {
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
}

/**
 * What the database does for one request of an endpoint: every read
 * statement it sent, run again under EXPLAIN (ANALYZE, BUFFERS). Buffers
 * (8 KB pages touched) are the size-independent measure: a page that costs
 * the same at any table size touches the same number of them.
 */
export async function explainReads(db: pg.Pool, queries: CapturedQuery[], print?: (line: string) => void): Promise<QueryCost> {
  const cost: QueryCost = { statements: 0, executionMs: 0, buffers: 0 };
  for (const q of queries) {
    if (!/^\s*(SELECT|WITH)\b/i.test(q.text) || /FOR UPDATE/i.test(q.text)) continue;
    const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${q.text}`, q.values);
    const [{ Plan, 'Execution Time': ms }] = (rows[0] as { 'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number }> })['QUERY PLAN'];
    const buffers = (Plan['Shared Hit Blocks'] ?? 0) + (Plan['Shared Read Blocks'] ?? 0);
    cost.statements += 1;
    cost.executionMs += ms;
    cost.buffers += buffers;
    if (print) {
      const text = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values);
      print(`\n${q.text.replace(/\s+/g, ' ').trim()}\n${text.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')}`);
    }
  }
  cost.executionMs = Math.round(cost.executionMs * 100) / 100;
  return cost;
}
