import { pino, type Logger, type DestinationStream } from 'pino';
import type { LoggerService } from '@nestjs/common';
import { safeError, withoutValues } from './safe-error.js';

/**
 * Paths whose values never reach a log line: credentials, tokens, cookies,
 * and anything clinical that could ride along in an error object.
 */
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.answers',
  '*.sections',
  '*.body',
  'password',
  'token',
];

function requestWithoutQuery(req: { method?: string; url?: string; id?: string }) {
  const path = typeof req?.url === 'string' ? req.url.split('?')[0]!.replace(/^\/p\/.*/, '/p/[redacted]') : undefined;
  return { id: req?.id, method: req?.method, path };
}

/** Nest's own error traces: code locations kept, the message lines (which may quote values) blanked. */
function traceWithoutValues(trace: string | undefined): string | undefined {
  return trace
    ?.split('\n')
    .map((line) => (/^\s+at /.test(line) ? line : withoutValues(line)))
    .join('\n');
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tandem-api' },
      redact: { paths: REDACT, censor: '[redacted]' },
      // An error is logged by kind, code and location: never the SQL, its values, or what PostgreSQL quotes of them.
      // A request is logged by method and path: a query string can carry names, dates of birth and emails.
      serializers: { err: safeError, error: safeError, req: requestWithoutQuery },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Routes Nest's own messages (start-up, DI errors) into the same JSON log. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace: traceWithoutValues(trace) }, withoutValues(String(message)));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
