import crypto from 'node:crypto';

/**
 * Bench records get ids derived from what they are (kind and indices), the
 * same in SQL and in Node, so that seeding never has to read ids back. They
 * are shaped as version-4 uuids, like every id Tandem hands out.
 */
export function benchId(kind: string, a: number, b = 0, c = 0): string {
  const hex = crypto.createHash('md5').update(`${kind}:${a}:${b}:${c}`).digest('hex');
  const v4 = `${hex.slice(0, 12)}4${hex.slice(13, 16)}8${hex.slice(17)}`;
  return `${v4.slice(0, 8)}-${v4.slice(8, 12)}-${v4.slice(12, 16)}-${v4.slice(16, 20)}-${v4.slice(20)}`;
}

/** The SQL twin of benchId. */
export const BENCH_ID_SQL = `
  CREATE OR REPLACE FUNCTION bench_id(kind text, a int, b int DEFAULT 0, c int DEFAULT 0) RETURNS uuid
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT overlay(overlay(md5(kind || ':' || a || ':' || b || ':' || c) placing '4' from 13) placing '8' from 17)::uuid
  $$`;
