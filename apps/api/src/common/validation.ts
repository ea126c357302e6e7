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

/** Whitelist, forbid unknown fields, transform; failures become a field → message map. */
class TandemValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object && !isPlainObject(value)) {
      throw new ValidationFailedError({ body: 'must be a JSON object' });
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
