import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { registeredRoutes } from '../support/routes.js';
import { ACCESS_MATRIX } from './access-matrix.js';

describe('route declarations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('finds the routes it is meant to check', () => {
    const keys = registeredRoutes(t.app).map((r) => r.key);
    expect(keys).toEqual(expect.arrayContaining(['POST /api/auth/login', 'GET /api/auth/me', 'GET /api/health']));
  });

  it('every route declares who may call it', () => {
    const undeclared = registeredRoutes(t.app).filter((r) => !r.audience);
    expect(undeclared.map((r) => r.key)).toEqual([]);
  });

  it('every route has a row in the access matrix, and every row names a real route', () => {
    const registered = registeredRoutes(t.app).map((r) => r.key);
    const inMatrix = ACCESS_MATRIX.map((row) => row.route);
    expect(registered.filter((k) => !inMatrix.includes(k))).toEqual([]);
    expect(inMatrix.filter((k) => !registered.includes(k))).toEqual([]);
  });

  it('the matrix agrees with each route’s declared audience', () => {
    const declared = new Map(registeredRoutes(t.app).map((r) => [r.key, r.audience]));
    for (const row of ACCESS_MATRIX) expect({ route: row.route, audience: declared.get(row.route) }).toEqual({
      route: row.route,
      audience: row.audience,
    });
  });

  it('the OpenAPI document lists every route', async () => {
    const res = await t.request().get('/api/openapi.json');
    expect(res.status).toBe(200);
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(registeredRoutes(t.app).map((r) => r.key).filter((k) => !documented.includes(k))).toEqual([]);
  });
});
