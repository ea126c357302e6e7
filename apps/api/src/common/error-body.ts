import { HttpException } from '@nestjs/common';
import type { ApiErrorBody } from '@tandem/shared';
import { AppError } from './app-error.js';

export interface MappedError {
  body: ApiErrorBody;
  headers: Record<string, string>;
  /** True for failures of Tandem itself (a 500): logged with their stack. */
  unexpected: boolean;
  /**
   * Set when the database refused a value or a write that validation let
   * through (a unique key, a constraint, a malformed value): answered as a 4xx,
   * logged as a warning so the missing check gets noticed.
   */
  refusedByDatabase?: string;
}

/** Seconds a client is asked to wait while the database is away. */
export const RETRY_AFTER_SECONDS = 5;

/** Error codes (Node's socket codes and PostgreSQL's SQLSTATEs) that mean "the database is away or overloaded, try again". */
const DATABASE_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57P04', // database_dropped
  '57P05', // idle_session_timeout
  '57014', // query_canceled (statement timeout)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
]);

/**
 * TypeORM's and pg's ways of saying the connection went away under a query
 * or a transaction (the runner is released when its connection dies, so the
 * transaction's next statement throws one of the "already released" errors).
 */
const DATABASE_DOWN_NAMES = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
  'ConnectionIsNotSetError',
  'ConnectionNotFoundError',
  'CannotExecuteNotConnectedError',
]);

const DATABASE_DOWN_MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'terminating connection',
  'the database system is starting up',
  'the database system is shutting down',
  'server closed the connection unexpectedly',
  'Connection is not established',
  'read ECONNRESET',
  // The connection died while a transaction waited to commit: the server rolled it back.
  'Query runner already released',
];

interface ErrorLike {
  name?: string;
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Whether the error (or anything it wraps: TypeORM's driverError, a cause, an AggregateError's errors) is a lost or refused database connection. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as ErrorLike;
  if (typeof e.code === 'string' && (DATABASE_DOWN_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  if (e.name && DATABASE_DOWN_NAMES.has(e.name)) return true;
  if (error.constructor?.name && DATABASE_DOWN_NAMES.has(error.constructor.name)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (DATABASE_DOWN_MESSAGES.some((m) => message.includes(m))) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.driverError, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1);
}

/** The PostgreSQL error under a TypeORM QueryFailedError (or the pg error itself). */
function postgresError(error: unknown): { code: string; constraint?: string; column?: string; message: string } | null {
  const e = error as ErrorLike & { constraint?: unknown; column?: unknown; severity?: unknown };
  if (!e || typeof e !== 'object') return null;
  const inner = (e.driverError ?? e) as typeof e;
  if (typeof inner.code !== 'string' || !/^[0-9A-Z]{5}$/.test(inner.code) || typeof inner.severity !== 'string') return null;
  return {
    code: inner.code,
    constraint: typeof inner.constraint === 'string' ? inner.constraint : undefined,
    column: typeof inner.column === 'string' ? inner.column : undefined,
    message: typeof inner.message === 'string' ? inner.message : '',
  };
}

/**
 * What valid-looking input can still run into at the database: a unique key
 * taken by someone else, a record removed meanwhile, a value a column refuses.
 * Those are the caller's to fix (4xx), never a 500.
 */
function databaseRefusal(error: unknown, requestId: string): MappedError | null {
  const pg = postgresError(error);
  if (!pg) return null;
  const refused = (statusCode: number, code: string, message: string, fields?: Record<string, string>): MappedError => ({
    body: { statusCode, code, message, fields, requestId },
    headers: {},
    unexpected: false,
    refusedByDatabase: pg.code,
  });
  switch (pg.code) {
    case '23505': // unique_violation
    case '23P01': // exclusion_violation
      return refused(409, 'conflict', 'That conflicts with a record that already exists. Reload and try again.');
    case '23503': // foreign_key_violation
      return pg.message.startsWith('update or delete')
        ? refused(409, 'conflict', 'Other records still refer to this one.')
        : refused(404, 'not_found', 'A record this refers to does not exist.');
    case '23502': // not_null_violation
      return refused(400, 'validation_failed', 'Some fields need attention.', { [pg.column ?? 'body']: 'is required' });
    case '23001': // restrict_violation: Tandem's triggers guard signed notes, submitted answers, the audit log
      return refused(409, 'conflict', 'That record can no longer be changed. Reload to see its current state.');
    case '23514': // check_violation
    case '23000':
      return refused(400, 'validation_failed', 'Some fields need attention.', { body: 'has a value Tandem cannot accept' });
    case '54000': // program_limit_exceeded (a value too large for an index)
      return refused(400, 'validation_failed', 'Some fields need attention.', { body: 'has a value that is too long' });
  }
  // Class 22: data exceptions (a malformed or out-of-range value).
  if (pg.code.startsWith('22')) return refused(400, 'validation_failed', 'Some fields need attention.', { body: 'has a value Tandem cannot accept' });
  return null;
}

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
};

const FRIENDLY: Record<number, string> = {
  404: 'That record does not exist.',
  413: 'That request is too large.',
  415: 'Send JSON (Content-Type: application/json).',
};

/** Maps anything thrown while serving a request to the one error shape. */
export function mapError(error: unknown, requestId: string): MappedError {
  if (error instanceof AppError) {
    return {
      body: { statusCode: error.status, code: error.code, message: error.message, fields: error.fields, requestId },
      headers: error.headers ?? {},
      unexpected: false,
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      body: {
        statusCode: 503,
        code: 'unavailable',
        message: 'Tandem is briefly unavailable. Please try again in a few seconds.',
        requestId,
      },
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      unexpected: false,
    };
  }
  const refusal = databaseRefusal(error, requestId);
  if (refusal) return refusal;
  const status =
    error instanceof HttpException
      ? error.getStatus()
      : typeof (error as { statusCode?: unknown })?.statusCode === 'number'
        ? (error as { statusCode: number }).statusCode
        : 500;
  if (status >= 400 && status < 500) {
    const message =
      FRIENDLY[status] ??
      (status === 400 && (error as { code?: string }).code?.startsWith('FST_ERR_CTP')
        ? 'The request body is not valid JSON.'
        : (error as Error).message || 'The request could not be understood.');
    const fields = status === 400 ? { body: message } : undefined;
    return {
      body: { statusCode: status, code: HTTP_CODES[status] ?? 'bad_request', message, fields, requestId },
      headers: {},
      unexpected: false,
    };
  }
  return {
    body: {
      statusCode: 500,
      code: 'internal_error',
      message: `Something went wrong on our side. If it happens again, quote request ${requestId}.`,
      requestId,
    },
    headers: {},
    unexpected: true,
  };
}
