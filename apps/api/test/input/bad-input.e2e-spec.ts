import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newClient, newPractice, newStaff, portalAs, signIn } from '../support/factories.js';

interface Operation {
  method: string;
  path: string;
  schema?: { properties?: Record<string, { nullable?: boolean; type?: string }>; required?: string[] };
  queryParams: string[];
  audience?: string;
}

/** Values of the wrong kind for a field; each names the schema types it would be right for. */
const WRONG_VALUES: Array<[string, unknown, string[]?]> = [
  ['a number', 12345, ['number', 'integer']],
  ['a boolean', true, ['boolean']],
  ['an object', { nested: { deeper: [1, 2, 3] } }, ['object']],
  ['an array', ['a', 'b']],
  ['null', null],
  ['an oversized string', 'x'.repeat(100_000)],
  ['a deeply nested value', JSON.parse('['.repeat(500) + ']'.repeat(500))],
];

/**
 * Walks the OpenAPI document and sends every route with a body the kinds of
 * input a careless or hostile client sends. None may produce a 500, and a bad
 * body must come back as 400 with a message per field.
 */
describe('bad input on every route with a body', () => {
  let t: TestApp;
  let operations: Operation[];
  const agents: Record<string, ReturnType<TestApp['request']>> = {};

  beforeAll(async () => {
    t = await startTestApp({ TANDEM_BODY_LIMIT_BYTES: '262144', TANDEM_LOGIN_MAX_ATTEMPTS: '1000' });
    const practice = await newPractice(t.db);
    // Admin and clinician at once: passes every staff route's role check, so the body is what gets judged.
    const staff = await newStaff(t.db, practice, { roles: ['admin', 'clinician'] });
    agents.admin = await signIn(t, staff);
    // Portal routes are judged with a client's portal session.
    agents.portal = await portalAs(t, await newClient(t.db, practice, { clinicians: [staff] }), staff);
    const doc = (await t.request().get('/api/openapi.json')).body as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> }; parameters?: Array<{ in: string; name: string }>; 'x-audience'?: string }>
      >;
      components: { schemas: Record<string, Operation['schema']> };
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const ref = op.requestBody?.content['application/json']?.schema.$ref;
        return {
          method,
          path: path.replace('{seq}', '1').replace(/\{\w+\}/g, '3f1b2a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b'),
          audience: op['x-audience'],
          schema: ref ? doc.components.schemas[ref.split('/').pop()!] : undefined,
          queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        };
      }),
    );
  });
  afterAll(() => t.close());

  const send = (op: Operation) => agents[op.audience === 'portal' ? 'portal' : 'admin']![op.method as 'post'](op.path);

  it('found routes with bodies to test', () => {
    expect(operations.filter((op) => op.schema).length).toBeGreaterThanOrEqual(5);
  });

  it('answers malformed JSON, non-object bodies and wrong content types with a 4xx', async () => {
    for (const op of operations.filter((o) => o.schema)) {
      const malformed = await send(op).set('Content-Type', 'application/json').send('{"email": "a@b.example", ');
      expect({ op: op.path, status: malformed.status }).toEqual({ op: op.path, status: 400 });
      expect(malformed.body.code).toBeDefined();
      for (const body of ['[]', '"text"', '42', 'null', '[{"email":"a@b.example"}]']) {
        const res = await send(op).set('Content-Type', 'application/json').send(body);
        expect({ op: op.path, body, status: res.status }).toEqual({ op: op.path, body, status: 400 });
      }
      const text = await send(op).set('Content-Type', 'text/plain').send('email=a@b.example');
      expect([400, 415]).toContain(text.status);
      const form = await send(op).set('Content-Type', 'application/x-www-form-urlencoded').send('email=a@b.example');
      expect([400, 415]).toContain(form.status);
    }
  });

  it('gives a message per field for every wrong type and oversized value', async () => {
    for (const op of operations.filter((o) => o.schema?.properties)) {
      for (const field of Object.keys(op.schema!.properties!)) {
        const property = op.schema!.properties![field]!;
        for (const [label, value, rightFor] of WRONG_VALUES) {
          if (value === null && property.nullable) continue;
          if (rightFor?.includes(property.type ?? '')) continue;
          const res = await send(op).send({ [field]: value });
          const seen = { op: `${op.method} ${op.path}`, field, label, status: res.status, message: res.body.fields?.[field] };
          expect(seen).toEqual({ ...seen, status: 400, message: expect.any(String) });
        }
      }
    }
  });

  it('never answers odd but well-typed strings with a 500', async () => {
    for (const op of operations.filter((o) => o.schema?.properties)) {
      for (const field of Object.keys(op.schema!.properties!)) {
        for (const value of ['\u0000\u0007\uffff', '😀'.repeat(50), '<script>alert(1)</script>', "'; DROP TABLE staff_user; --", ' ']) {
          const res = await send(op).send({ [field]: value });
          expect({ op: op.path, field, value, status: res.status }).toEqual({ op: op.path, field, value, status: expect.any(Number) });
          expect(res.status).toBeLessThan(500);
        }
      }
    }
  });

  it('names unknown fields, including attempts at prototype pollution', async () => {
    for (const op of operations.filter((o) => o.schema)) {
      const res = await send(op).set('Content-Type', 'application/json').send('{"surprise": 1, "__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}');
      expect(res.status).toBe(400);
      expect(res.body.fields?.surprise ?? res.body.fields?.body).toEqual(expect.any(String));
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses bodies over the size limit with 413', async () => {
    for (const op of operations.filter((o) => o.schema)) {
      const res = await send(op).send({ name: 'x'.repeat(300_000) });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('payload_too_large');
    }
  });

  it('never answers junk query strings with a 500', async () => {
    const junk = ['', 'x'.repeat(5000), '%00', '../../etc/passwd', "' OR 1=1 --", '[]', '{"$ne":null}'];
    for (const op of operations.filter((o) => o.queryParams.length > 0)) {
      for (const param of op.queryParams) {
        for (const value of junk) {
          const res = await agents.admin!.get(op.path).query({ [param]: value });
          expect(res.status).toBeLessThan(500);
        }
        const repeated = await agents.admin!.get(`${op.path}?${param}=a&${param}=b`);
        expect(repeated.status).toBeLessThan(500);
      }
    }
  });

  it('treats malformed and unknown ids in paths as missing records', async () => {
    for (const id of ['not-a-uuid', '1', "1' OR '1'='1", '%2e%2e', 'x'.repeat(150)]) {
      const res = await agents.admin!.get(`/api/staff/${encodeURIComponent(id)}`);
      expect(res.status).toBe(404);
    }
  });
});
