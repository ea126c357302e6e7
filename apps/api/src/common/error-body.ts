import { HttpException } from '@nestjs/common';
import type { ApiErrorBody } from '@tandem/shared';
import { AppError } from './app-error.js';

export interface MappedError {
  body: ApiErrorBody;
  headers: Record<string, string>;
  /** True for failures of Tandem itself (a 500): logged with their stack. */
  unexpected: boolean;
}

const DATABASE_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; driverError?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code && DATABASE_DOWN_CODES.has(e.code)) return true;
  if (e.driverError) return isDatabaseUnavailable(e.driverError);
  const message = e.message ?? '';
  return (
    message.includes('Connection terminated') ||
    message.includes('timeout exceeded when trying to connect') ||
    message.includes('Client has encountered a connection error') ||
    // The connection died while a transaction waited to commit: the server rolled it back.
    message.includes('Query runner already released')
  );
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
      headers: { 'retry-after': '5' },
      unexpected: false,
    };
  }
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
