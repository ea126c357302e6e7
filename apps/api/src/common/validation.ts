import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ValidationFailedError } from './app-error.js';

/** Constraints that say "wrong kind of value": when present, theirs is the message worth showing. */
const TYPE_CONSTRAINTS = ['whitelistValidation', 'isDefined', 'isString', 'isEmail', 'isArray', 'isInt', 'isNumber', 'isBoolean', 'isUuid', 'isDateString', 'isIn', 'isEnum', 'isObject', 'nestedValidation'];

function firstMessage(error: ValidationError): string | undefined {
  const constraints = error.constraints ?? {};
  const key = TYPE_CONSTRAINTS.find((k) => k in constraints) ?? Object.keys(constraints)[0];
  if (!key) return undefined;
  return constraints[key]!
    .replace(/^property \S+ should not exist$/, 'is not a known field')
    .replace(new RegExp(`^(each value in )?${error.property.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `), '$1');
}

function collect(errors: ValidationError[], prefix: string, out: Record<string, string>): void {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const message = firstMessage(error);
    if (message && !(path in out)) out[path] = message;
    if (error.children?.length) collect(error.children, path, out);
  }
}

const isPlainObject = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** PostgreSQL text cannot hold NUL characters; no field of Tandem's has a use for them. */
function findNulCharacters(value: unknown, path: string, out: Record<string, string>, depth = 0): void {
  if (depth > 32) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out[path || 'body'] = 'contains a character that is not allowed';
  } else if (Array.isArray(value)) {
    value.forEach((item) => findNulCharacters(item, path, out, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) findNulCharacters(item, path ? `${path}.${key}` : key, out, depth + 1);
  }
}

/** Whitelist, forbid unknown fields, transform; failures become a field → message map. */
class TandemValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object && !isPlainObject(value)) {
      throw new ValidationFailedError({ body: 'must be a JSON object' });
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const fields: Record<string, string> = {};
      findNulCharacters(value, '', fields);
      if (Object.keys(fields).length > 0) throw new ValidationFailedError(fields);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new TandemValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields: Record<string, string> = {};
      collect(errors, '', fields);
      if (Object.keys(fields).length === 0) fields.body = 'must be a JSON object';
      return new ValidationFailedError(fields);
    },
  });
}
