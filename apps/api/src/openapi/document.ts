import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { CONTRACT_SCHEMAS } from './contract-schemas.js';
import { RETURNS_EXTENSION } from './returns.decorator.js';

type Schemas = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>;

const ERROR_BODY = { $ref: '#/components/schemas/ApiErrorBody' };

/**
 * The OpenAPI document of every route: request bodies and parameters from the
 * DTO classes, response bodies from the shared contracts (`@Returns`), and the
 * one error body every failure uses. Served at `/api/openapi.json`; the
 * dashboard's types are generated from it (`npm run api:types`).
 */
export function buildOpenApiDocument(app: INestApplication, contracts: Record<string, object> = CONTRACT_SCHEMAS): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tandem API')
      .setDescription('Practice-support API: staff, clients, couples, homework, notes.')
      .setVersion('0.1.0')
      .addCookieAuth('tandem_session')
      .addGlobalResponse(
        { status: 400, description: 'Bad input: `fields` names each field with its problem.', schema: ERROR_BODY },
        { status: 404, description: 'No such record, or one the caller may not see.', schema: ERROR_BODY },
        { status: 409, description: 'A stale write or a conflicting record.', schema: ERROR_BODY },
        { status: 'default', description: 'Any other error, in the same shape.', schema: ERROR_BODY },
      )
      .build(),
  );
  const schemas: Schemas = (document.components ??= {}).schemas ??= {};
  for (const [name, schema] of Object.entries(contracts)) {
    if (schemas[name]) throw new Error(`The OpenAPI document already has a schema named ${name}.`);
    schemas[name] = schema;
  }
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations) as Array<Record<string, unknown>>) {
      const shape = operation[RETURNS_EXTENSION];
      if (typeof shape !== 'string') continue;
      delete operation[RETURNS_EXTENSION];
      if (!schemas[shape]) throw new Error(`@Returns('${shape}') names no schema: run npm run api:types.`);
      const responses = operation.responses as Record<string, { description: string; content?: unknown }>;
      const success = Object.keys(responses).filter((status) => /^2\d\d$/.test(status));
      if (success.length !== 1) throw new Error(`An operation returning ${shape} has ${success.length} success statuses.`);
      responses[success[0]] = { description: responses[success[0]].description || shape, content: { 'application/json': { schema: { $ref: `#/components/schemas/${shape}` } } } };
    }
  }
  return document;
}
