import pg from 'pg';
import type { CapturedQuery } from './messages.js';

let recording: CapturedQuery[] | null = null;
let installed = false;

/** Records every statement this process sends through `pg` from now until stopRecording(). */
export function startRecording(): void {
  if (!installed) {
    installed = true;
    const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    pg.Client.prototype.query = function recorded(this: pg.Client, ...args: unknown[]) {
      if (recording && typeof args[0] === 'string') recording.push({ text: args[0], values: Array.isArray(args[1]) ? [...args[1]] : [] });
      // A named (prepared) statement: `{ name, text, values }`.
      else if (recording && args[0] && typeof (args[0] as { text?: unknown }).text === 'string') {
        const q = args[0] as { text: string; values?: unknown[] };
        recording.push({ text: q.text, values: Array.isArray(q.values) ? [...q.values] : Array.isArray(args[1]) ? [...args[1]] : [] });
      }
      return query.apply(this, args);
    } as typeof pg.Client.prototype.query;
  }
  recording = [];
}

export function stopRecording(): CapturedQuery[] {
  const queries = recording ?? [];
  recording = null;
  return queries;
}
