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

/**
 * PostgreSQL text and jsonb cannot hold NUL characters, and no field of
 * Tandem's has a use for them. Every string and every key is looked at, at any
 * depth (the body parser already refused anything nested past MAX_JSON_DEPTH),
 * walking with a stack of its own rather than recursion. A field is named by
 * the path to it, cut to its first levels.
 */
export function findNulCharacters(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const pending: Array<[unknown, string, number]> = [[value, '', 0]];
  const name = (path: string, key: string, depth: number) => (depth >= 8 ? path : path ? `${path}.${key}` : String(key));
  while (pending.length > 0) {
    const [item, path, depth] = pending.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) out[path || 'body'] = 'contains a character that is not allowed';
    } else if (Array.isArray(item)) {
      item.forEach((inner) => pending.push([inner, path, depth + 1]));
    } else if (item && typeof item === 'object') {
      for (const [key, inner] of Object.entries(item)) {
        if (key.includes('\u0000')) out[path || 'body'] = 'contains a character that is not allowed';
        else pending.push([inner, name(path, key, depth), depth + 1]);
      }
    }
  }
  return out;
}

/** Whitelist, forbid unknown fields, transform; failures become a field → message map. */
class TandemValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object && !isPlainObject(value)) {
      throw new ValidationFailedError({ body: 'must be a JSON object' });
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const fields = findNulCharacters(value);
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
