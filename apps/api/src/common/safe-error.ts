/**
 * What of an error may reach a log line. Database errors carry the statement
 * (`query`), its values (`parameters`) and PostgreSQL's `detail`/`where`, which
 * name the very values that failed (`Key (email)=(…) already exists`); pg's
 * messages quote values too (`invalid input syntax for type uuid: "…"`). Only
 * the error's kind, SQLSTATE, constraint, table and column, and its message
 * with every quoted or bracketed value blanked, are kept; the stack keeps its
 * frames (code locations), not its message lines.
 */
export interface SafeError {
  type: string;
  message: string;
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
  stack?: string;
  cause?: SafeError;
}

/** Blanks what a database or parser message may quote of the input. */
export function withoutValues(message: string): string {
  return message
    .replace(/\(([^()]*)\)=\(.*\)/g, '($1)=(…)')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'(?:[^'\\]|\\.)*'/g, "'…'")
    .replace(/[^\s"'()]+@[^\s"'()]+/g, '…@…')
    .replace(/\b\d{3,}\b/g, '…')
    .slice(0, 300);
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length <= 200 ? value : undefined);

export function safeError(error: unknown, depth = 0): SafeError {
  if (!error || typeof error !== 'object') return { type: typeof error, message: withoutValues(String(error)) };
  const e = error as Record<string, unknown>;
  const driver = (e.driverError && typeof e.driverError === 'object' ? e.driverError : e) as Record<string, unknown>;
  const type = text(e.name) ?? error.constructor?.name ?? 'Error';
  const message = withoutValues(typeof e.message === 'string' ? e.message : '');
  const frames =
    typeof e.stack === 'string'
      ? e.stack
          .split('\n')
          .filter((line) => /^\s+at /.test(line))
          .slice(0, 20)
          .join('\n')
      : undefined;
  const safe: SafeError = {
    type,
    message,
    code: text(driver.code) ?? text(e.code),
    constraint: text(driver.constraint),
    table: text(driver.table),
    column: text(driver.column),
    routine: text(driver.routine),
    stack: frames ? `${type}: ${message}\n${frames}` : undefined,
  };
  if (e.cause && depth < 3) safe.cause = safeError(e.cause, depth + 1);
  for (const key of Object.keys(safe) as Array<keyof SafeError>) if (safe[key] === undefined) delete safe[key];
  return safe;
}
