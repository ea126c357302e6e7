import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { CONTRACT_SCHEMAS_FILE, DASHBOARD_TYPES_FILE, contractSchemas, contractSchemasSource, dashboardTypesSource } from '../../src/openapi/generate.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const STALE = 'is out of date: run `npm run api:types` and commit the result';

/** Operations that answer without a body on success, and why (none today: the portal link answers with the portal's page). */
const WITHOUT_SUCCESS_BODY: Record<string, string> = {};

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };

describe('the OpenAPI document and the dashboard types generated from it', () => {
  let t: TestApp;
  let document: OpenAPIObject;
  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.request().get('/api/openapi.json');
    expect(res.status).toBe(200);
    document = res.body as OpenAPIObject;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(document.paths).flatMap(([route, item]) =>
      Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${route}`, operation })),
    );

  it('documents a success response for every operation: a schema for each body, nothing for a 204', () => {
    expect(operations().length).toBeGreaterThan(100);
    const undocumented = operations()
      .filter(({ key }) => !WITHOUT_SUCCESS_BODY[key])
      .filter(({ operation }) => {
        const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
        if (success.length === 0) return true;
        return success.some(([status, response]) => status !== '204' && !Object.values(response.content ?? {}).some((media) => media.schema));
      })
      .map(({ key }) => key);
    expect(undocumented).toEqual([]);
    for (const key of Object.keys(WITHOUT_SUCCESS_BODY)) expect(operations().map((o) => o.key)).toContain(key);
  });

  it('documents the one error body for bad input, missing records and conflicts', () => {
    for (const { key, operation } of operations()) {
      for (const status of ['400', '404', '409', 'default']) {
        expect({ key, status, schema: operation.responses[status]?.content?.['application/json']?.schema }).toEqual({
          key,
          status,
          schema: { $ref: '#/components/schemas/ApiErrorBody' },
        });
      }
    }
  });

  it('every schema it refers to is in the document', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(100);
    const schemas = document.components?.schemas ?? {};
    expect([...new Set(refs)].filter((name) => !schemas[name])).toEqual([]);
  });

  it('the committed response schemas match the shared contracts', () => {
    const committed = fs.readFileSync(path.join(ROOT, CONTRACT_SCHEMAS_FILE), 'utf8');
    expect(committed === contractSchemasSource(contractSchemas()) ? 'up to date' : `${CONTRACT_SCHEMAS_FILE} ${STALE}`).toBe('up to date');
  });

  it("the dashboard's committed types match the document", async () => {
    const committed = fs.readFileSync(path.join(ROOT, DASHBOARD_TYPES_FILE), 'utf8');
    expect(committed === (await dashboardTypesSource(document)) ? 'up to date' : `${DASHBOARD_TYPES_FILE} ${STALE}`).toBe('up to date');
  });
});
