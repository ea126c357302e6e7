/**
 * Feature errors carry a stable code; the global filter maps them to HTTP.
 * Services throw these, never HttpException.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export class NotFoundError extends AppError {
  constructor(what = 'record') {
    super(404, 'not_found', `That ${what} does not exist.`);
  }
}

export class ValidationFailedError extends AppError {
  constructor(fields: Record<string, string>, message = 'Some fields need attention.') {
    super(400, 'validation_failed', message, fields);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Please sign in.', code = 'unauthenticated') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your role does not allow this.') {
    super(403, 'forbidden', message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class RuleViolationError extends AppError {
  constructor(code: string, message: string) {
    super(422, code, message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many attempts. Please wait and try again.') {
    super(429, 'rate_limited', message, undefined, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}
