/**
 * A bench child process: the floors. A bare node:http server with a bare pg
 * pool of the size Tandem uses, replaying for each request the statements
 * Tandem sent for the same request (recorded by app-server.ts), and answering
 * with their rows as JSON. No framework, no validation, no encryption: what
 * is left is PostgreSQL, the driver and HTTP.
 *
 *   /<page>            the statements as Tandem sent them (the replay floor)
 *   /prepared/<page>   the same statements as named, prepared statements (the prepared floor)
 *   /physical          one prepared primary-key select (the physical floor: the least a page can cost)
 */
import http from 'node:http';
import pg from 'pg';
import type { CapturedQuery, ParentMessage } from './messages.js';
import { replay, submitSwap } from './replay.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.TANDEM_DB_POOL_SIZE ?? 20) });
let reads: Record<string, CapturedQuery[]> = {};
let submit: Extract<ParentMessage, { type: 'plans' }>['submit'] | null = null;
let targets: Extract<ParentMessage, { type: 'plans' }>['targets'] = [];
let physical: CapturedQuery | null = null;

/** IPC turns Buffers into plain byte arrays; the driver needs Buffers back. */
const revive = (v: unknown): unknown => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v) : Array.isArray(v) ? v.map(revive) : v);

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const route = (req.url ?? '/').slice(1).split('?')[0]!;
    const prepared = route.startsWith('prepared/');
    const name = prepared ? route.slice('prepared/'.length) : route;
    const work =
      name === 'physical' && physical
        ? replay(pool, [physical], undefined, true)
        : name === 'submit' && submit
          ? replay(pool, submit.queries, submitSwap(submit, targets[Number(req.headers['x-target']) % targets.length]!), prepared)
          : reads[name]
            ? replay(pool, reads[name]!, undefined, prepared)
            : Promise.reject(new Error(`no plan for ${name}`));
    work.then(
      (rows) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(rows));
      },
      (error: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error.message);
      },
    );
  });
});

process.on('message', (message: ParentMessage) => {
  if (message.type === 'plans') {
    reads = Object.fromEntries(Object.entries(message.reads).map(([k, qs]) => [k, qs.map((q) => ({ text: q.text, values: q.values.map(revive) }))]));
    submit = { ...message.submit, queries: message.submit.queries.map((q) => ({ text: q.text, values: q.values.map(revive) })) };
    targets = message.targets;
    physical = { text: message.physical.text, values: message.physical.values.map(revive) };
  }
  if (message.type === 'stop') {
    server.close(() => void pool.end().then(() => process.exit(0)));
    server.closeAllConnections();
  }
});
server.listen(0, '127.0.0.1', () => process.send!({ type: 'ready', port: (server.address() as { port: number }).port }));
