import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newClient, newClinician, newCouple, newHomework, newPractice, newStaff, portalAs, signIn, type TestStaff } from '../support/factories.js';
import { ACCESS_MATRIX, exerciseDefinition, type MatrixContext, type MatrixRow } from '../access/access-matrix.js';
import { FIELD_CIPHER } from '../../src/encryption/encryption.service.js';

/**
 * The hostile walk. For every operation in the OpenAPI document, with real
 * records the actor may see (made fresh for the operation by the access
 * matrix's builders, in a practice whose admin is also the clinician on every
 * care team), each path parameter, query parameter and body field (nested
 * ones too) in turn gets hostile values while everything else stays valid:
 * out-of-range and fractional numbers, malformed cursors and real cursors of
 * other lists and of another practice, odd date forms, NUL characters at any
 * depth, very long strings, values of the wrong type, and random values from
 * fast-check. No answer may be a 5xx, and the database must never be the one
 * that refuses a value (validation comes first).
 *
 * Seeded: a failure prints the seed, and HOSTILE_WALK_SEED=<seed> replays it.
 */
const SEED = Number(process.env.HOSTILE_WALK_SEED ?? 20261128);
/** Random values per slot, on top of the fixed catalogue for its kind. */
const RANDOM_PER_SLOT = Number(process.env.HOSTILE_WALK_RANDOM ?? 3);
// (HOSTILE_WALK_FULL=1 also sends every catalogued value to every slot; HOSTILE_WALK_VERBOSE=1 prints each operation's count.)

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string; schema?: { type?: string; format?: string } }>;
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  'x-audience'?: string;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, { properties?: Record<string, { type?: string; format?: string }> }> };
}

interface Operation {
  method: Method;
  /** Matrix form: `GET /api/staff/:id`. */
  route: string;
  audience: string | undefined;
  pathParams: string[];
  queryParams: Array<{ name: string; type?: string; format?: string }>;
  bodyFields: Array<{ name: string; type?: string; format?: string }>;
  row: MatrixRow;
}

/** Where a hostile value goes. */
type Slot = { in: 'path'; name: string } | { in: 'query'; name: string; type?: string; format?: string } | { in: 'body'; path: string[]; type?: string; format?: string };

const slotName = (s: Slot) => (s.in === 'body' ? `body.${s.path.join('.')}` : `${s.in}.${s.name}`);

// ---- the catalogue ---------------------------------------------------------

const DATE_FORMS = ['2026', '2026-11', '2026-W01', '2026-11-01T10', '2026-11-01T10:00:00Z', '2026-02-30', '2026-13-01', '0000-01-01', '+002026-11-01', '20261101', '2026-11-01 ', '1-01-01', '99999-01-01', '2026-336'];
const NUMBER_FORMS: number[] = [2147483648, -2147483649, 2147483647, -2147483648, 1.5, -0.5, 0, -1, 1e308, -1e308, 9007199254740993, 4294967296];
const NUMBER_STRINGS = ['2147483648', '2147483647', '-2147483649', '1.5', '-1', '0', '1e3', '0x10', '99999999999999999999', '１２', 'NaN', 'Infinity', ''];
const LONG = 'x'.repeat(10_000);
const NUL_STRINGS = ['\u0000', 'a\u0000b', `${'y'.repeat(50)}\u0000`];

/** An object nested `depth` levels with a NUL string at the bottom (and a NUL key beside it). */
function nulAtDepth(depth: number): Json {
  let value: Json = { note: 'fine', bad: 'x\u0000y' };
  for (let i = 0; i < depth; i++) value = i % 2 ? { level: value } : [value];
  return value;
}
const NUL_KEY: Json = { 'key\u0000': 'value' };

const WRONG_TYPES: Json[] = [12345, -7.25, true, false, null, [], ['a', 'b'], {}, { nested: { deeper: [1, 2, 3] } }, '', ' ', 'true', '[]', '{"$ne":null}'];

/** Real-looking but wrong: a uuid of nothing, upper case, odd forms, and text a path or id should never be. */
const BAD_IDS = ['00000000-0000-0000-0000-000000000000', 'not-a-uuid', '1', "1' OR '1'='1", '..', 'builtin:', 'builtin:nope', `builtin:${'a'.repeat(150)}`, '2147483648', '1.5', '-1', 'x'.repeat(199), 'Ω'];

/** Random values of every JSON kind, for bodies. */
const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.integer({ min: 0, max: 990 }).map(nulAtDepth),
  fc.json({ maxDepth: 4 }).map((text) => JSON.parse(text) as Json),
);
/** Random text, for path and query values. */
const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map(String),
  fc.double({ noNaN: true }).map(String),
  fc.uuid(),
  fc.tuple(fc.date({ noInvalidDate: true }), fc.integer({ min: 4, max: 24 })).map(([d, length]) => d.toISOString().slice(0, length)),
);

const isDateSlot = (name: string, format?: string) => format === 'date' || /^(from|to|since|dueOn|endsOn|sessionDate|dateOfBirth)$/.test(name);
const isIntSlot = (name: string, type?: string) => type === 'number' || type === 'integer' || /^(version|baseVersion|exerciseVersion|seq|limit|count)$/.test(name);
const isIdSlot = (name: string) => /(^id$|Id$|Ids$)/.test(name);

// ---- sending ----------------------------------------------------------------

/** Percent-encodes the UTF-8 bytes of any JS string (lone surrogates included, which encodeURIComponent refuses). */
const encode = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

function setAt(body: Record<string, Json>, path: string[], value: Json): Record<string, Json> {
  const copy = structuredClone(body) as Record<string, Json>;
  let node: Record<string, Json> | Json[] = copy;
  for (const key of path.slice(0, -1)) {
    const next: Json | undefined = (node as Record<string, Json>)[key];
    if (next === null || typeof next !== 'object') (node as Record<string, Json>)[key] = {};
    node = (node as Record<string, Json>)[key] as Record<string, Json>;
  }
  (node as Record<string, Json>)[path[path.length - 1]!] = value;
  return copy;
}

/** The paths of every value inside a baseline body, up to a few levels down (steps of a definition, answers). */
function leafPaths(value: Json, prefix: string[] = [], depth = 0): string[][] {
  if (value === null || typeof value !== 'object' || depth > 4) return prefix.length ? [prefix] : [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const inner = entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k], depth + 1));
  return prefix.length ? [prefix, ...inner] : inner;
}

describe('hostile input on every operation, with real ids', () => {
  let t: TestApp;
  let ctx: MatrixContext;
  let me: TestStaff;
  let operations: Operation[];
  const agents: Record<'staff' | 'portal' | 'otherStaff', ReturnType<TestApp['request']>> = {} as never;
  /** Real cursors, by list, of the home practice and of another one. */
  const cursors: Record<string, string> = {};
  const foreignIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ TANDEM_LOGIN_MAX_ATTEMPTS: '100000', TANDEM_PORTAL_MAX_FAILED_LOOKUPS: '100000', TANDEM_BODY_LIMIT_BYTES: '1048576' });
    const home = await newPractice(t.db);
    // Admin and the clinician on every care team at once: every staff route lets this actor through to the records.
    me = await newStaff(t.db, home, { roles: ['admin', 'clinician'] });
    const portalClient = await newClient(t.db, home, { name: 'Walk Portal Client', clinicians: [me] });
    ctx = { db: t.db, home, homeClinicianId: me.id, portalClientId: portalClient.id, cipher: t.app.get(FIELD_CIPHER) };
    agents.staff = await signIn(t, me);
    agents.portal = await portalAs(t, portalClient, me);

    const other = await newPractice(t.db);
    const otherStaff = await newStaff(t.db, other, { roles: ['admin', 'clinician'] });
    agents.otherStaff = await signIn(t, otherStaff);
    const otherPortal = await newClient(t.db, other, { clinicians: [otherStaff] });

    // Two of everything each list pages through, in both practices, so that every list hands out a cursor.
    const homeLists = await fillLists(t, home, me, agents.staff, portalClient, agents.portal);
    const otherLists = await fillLists(t, other, otherStaff, agents.otherStaff, otherPortal, await portalAs(t, otherPortal, otherStaff));
    for (const [list, cursor] of Object.entries(homeLists.cursors)) cursors[list] = cursor;
    for (const [list, cursor] of Object.entries(otherLists.cursors)) cursors[`other practice's ${list}`] = cursor;
    foreignIds.push(...otherLists.ids, ...homeLists.ids.slice(0, 4));

    const doc = (await t.request().get('/api/openapi.json')).body as OpenApiDocument;
    const rows = new Map(ACCESS_MATRIX.map((r) => [r.route, r]));
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const route = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
        const ref = op.requestBody?.content['application/json']?.schema.$ref;
        const schema = ref ? doc.components.schemas[ref.split('/').pop()!] : undefined;
        const row = rows.get(route);
        if (!row) throw new Error(`${route} has no row in the access matrix, so the walk has no valid request to start from`);
        return {
          method: method as Method,
          route,
          audience: op['x-audience'],
          pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
          queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, type: p.schema?.type, format: p.schema?.format })),
          bodyFields: Object.entries(schema?.properties ?? {}).map(([name, p]) => ({ name, type: p.type, format: p.format })),
          row,
        };
      }),
    );
  });
  afterAll(() => t.close());

  const agentFor = (op: Operation) => (op.audience === 'portal' ? agents.portal : op.audience === 'public' ? t.request() : agents.staff);

  /**
   * The values every slot of its kind gets, always: the classes the issue
   * names (out-of-range and fractional numbers, odd dates, foreign cursors,
   * NUL, long strings, a wrong type). `pool` is what fast-check draws the
   * slot's random values from, beside values of every JSON kind.
   */
  function catalogue(slot: Slot): { always: Array<Json | string[]>; pool: Array<Json | string[]> } {
    const name = slot.in === 'body' ? slot.path[slot.path.length - 1]! : slot.name;
    const format = slot.in === 'path' ? undefined : slot.format;
    const type = slot.in === 'path' ? undefined : slot.type;
    const nested = slot.in === 'body' && slot.path.length > 1;
    const always: Array<Json | string[]> = [];
    const pool: Array<Json | string[]> = [];
    if (slot.in === 'body') {
      always.push(nested ? 'a\u0000b' : nulAtDepth(40));
      if (!nested) always.push(NUL_STRINGS[1]!, LONG, typeof type === 'string' && type !== 'string' ? 'text' : 12345);
      pool.push(...NUL_STRINGS, LONG, ...WRONG_TYPES, nulAtDepth(1), nulAtDepth(400), nulAtDepth(990), NUL_KEY, ...foreignIds, ...BAD_IDS, ...NUMBER_FORMS);
      if (isIntSlot(name, type)) always.push(2147483647, 2147483648, -2147483649, 1.5, 1e308, '1');
      if (isDateSlot(name, format)) always.push(...DATE_FORMS);
      if (isIdSlot(name)) always.push(foreignIds[0]!, 'not-a-uuid', [foreignIds[1]!]);
    } else {
      always.push('a\u0000b');
      if (slot.in === 'query') always.push(['a', 'b'], LONG.slice(0, 5000));
      else always.push('x'.repeat(190));
      pool.push(...NUL_STRINGS, '%', '../..', '', 'true', [...NUL_STRINGS], ...foreignIds, ...BAD_IDS, ...NUMBER_STRINGS);
      if (slot.in === 'path' && !isIdSlot(name)) always.push('2147483648', '1.5', '-1', '99999999999999999999');
      if (isIntSlot(name, type)) always.push('2147483648', '1.5', '-1', '1e3');
      if (isIdSlot(name)) always.push(foreignIds[0]!, '00000000-0000-0000-0000-000000000000');
      if (isDateSlot(name, format)) always.push(...DATE_FORMS);
      if (name === 'cursor') {
        always.push(cursors["other practice's clients"]!, cursors.audit!, cursors.exercises!, ...forgedCursors().slice(0, 3));
        pool.push(...Object.values(cursors), ...forgedCursors());
      }
    }
    const fits = (v: Json | string[]) => !(slot.in === 'path' && (typeof v !== 'string' || v === ''));
    // HOSTILE_WALK_FULL=1 sends every value of the pool too (minutes instead of seconds), for a thorough run.
    return { always: (process.env.HOSTILE_WALK_FULL ? [...always, ...pool] : always).filter(fits), pool: pool.filter(fits) };
  }

  function forgedCursors(): string[] {
    const real = cursors.clients!;
    const [payload, tag] = real.split('.') as [string, string];
    const forgedPayload = Buffer.from(JSON.stringify(['x', 'y'])).toString('base64url');
    return [
      Buffer.from(JSON.stringify(['x', 'y'])).toString('base64'),
      forgedPayload,
      `${forgedPayload}.${tag}`,
      `${payload.slice(0, -2)}AA.${tag}`,
      `${payload}.${tag.slice(0, -2)}AA`,
      `${payload}.${tag}A`,
      `${payload}.`,
      Buffer.from('[]').toString('base64url'),
      'a'.repeat(3000),
      '1',
      '9223372036854775808',
    ];
  }

  async function send(op: Operation, params: Record<string, string>, slot: Slot, value: Json | string[]) {
    const baseQuery = op.row.query?.(params) ?? {};
    const baseBody = (op.row.bodyFromParams ? op.row.bodyFromParams(params) : op.row.body?.(ctx)) as Record<string, Json> | undefined;
    const path = op.route
      .split(' ')[1]!
      .replace(/:(\w+)/g, (_m, name: string) => encode(slot.in === 'path' && slot.name === name ? String(value) : params[name] ?? `missing-${name}`));
    const query: Array<[string, string]> = Object.entries(baseQuery).filter(([k]) => !(slot.in === 'query' && slot.name === k));
    if (slot.in === 'query') for (const v of Array.isArray(value) ? value : [value]) query.push([slot.name, typeof v === 'string' ? v : JSON.stringify(v)]);
    const url = query.length ? `${path}?${query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}` : path;
    const call = agentFor(op)[op.method](url);
    let body = baseBody;
    if (slot.in === 'body') body = setAt(baseBody ?? {}, slot.path, value as Json);
    return body ? call.set('content-type', 'application/json').send(JSON.stringify(body)) : call;
  }

  it('knows a valid request with real ids for every operation in the OpenAPI document', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(60);
    // The reads, sent as they are, succeed: the walk's ids are real and visible to its actor.
    for (const op of operations.filter((o) => o.method === 'get')) {
      const params = op.row.params ? await op.row.params(ctx) : {};
      const path = op.route.split(' ')[1]!.replace(/:(\w+)/g, (_m, name: string) => params[name]!);
      const res = await agentFor(op).get(path).query(op.row.query?.(params) ?? {});
      expect({ route: op.route, status: res.status }).toEqual({ route: op.route, status: 200 });
    }
    expect(Object.keys(cursors).sort()).toEqual(
      expect.arrayContaining(['assignments', 'audit', 'clients', 'clients:recent', 'couples', 'exercises', 'notes', 'portal-history', 'staff', "other practice's clients"]),
    );
  });

  it('answers hostile values in every path parameter, query parameter and body field without a server error', async () => {
    const failures: string[] = [];
    let requests = 0;
    const started = Date.now();
    const refusedBefore = t.logs().filter((l) => l.msg === 'database refused a value').length;
    for (const [index, op] of operations.entries()) {
      const opStarted = Date.now();
      const params = op.row.params ? await op.row.params(ctx) : {};
      const baseBody = (op.row.bodyFromParams ? op.row.bodyFromParams(params) : op.row.body?.(ctx)) as Record<string, Json> | undefined;
      const slots: Slot[] = [
        ...op.pathParams.map((name): Slot => ({ in: 'path', name })),
        ...op.queryParams.map((q): Slot => ({ in: 'query', ...q })),
        ...op.bodyFields.map((f): Slot => ({ in: 'body', path: [f.name], type: f.type, format: f.format })),
        // Inside the fields that hold structures (an exercise's steps, a client's answers): every value, a few levels down.
        ...leafPaths(baseBody ?? {})
          .filter((p) => p.length > 1)
          .map((path): Slot => ({ in: 'body', path })),
      ];
      if (slots.length === 0) continue;
      const examples = slots.flatMap((slot) => catalogue(slot).always.map((value) => [slot, value] as [Slot, Json | string[]]));
      const random = fc
        .constantFrom(...slots)
        .chain((slot) =>
          fc.oneof(fc.constantFrom(...catalogue(slot).pool), slot.in === 'body' ? anyJson : anyText).map((value) => [slot, value as Json | string[]] as [Slot, Json | string[]]),
        );
      const result = await fc.check(
        fc.asyncProperty(random, async ([slot, value]) => {
          requests++;
          const res = await send(op, params, slot, value);
          // Every server error is collected (not only the first), so one run shows the whole class.
          if (res.status >= 500) failures.push(`${op.route} ${slotName(slot)} = ${JSON.stringify(value)?.slice(0, 120)} → ${res.status} ${res.body?.code ?? ''}`);
        }),
        { seed: SEED + index, numRuns: examples.length + slots.length * RANDOM_PER_SLOT, examples: examples.map((e) => [e]) },
      );
      if (result.failed) failures.push(`${op.route}: ${fc.defaultReportMessage(result)}`);
      if (process.env.HOSTILE_WALK_VERBOSE) process.stdout.write(`${op.route}: ${slots.length} slots, ${result.numRuns} requests, ${Date.now() - opStarted} ms\n`);
    }
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`hostile walk: ${operations.length} operations, ${requests} requests in ${seconds.toFixed(1)} s (seed ${SEED})\n`);
    expect(failures).toEqual([]);
    // Every hostile value was refused by Tandem's own checks, before any SQL ran: none reached the database to be refused there.
    const logs = t.logs();
    const routeOf = new Map(logs.filter((l) => l.msg === 'request').map((l) => [l.reqId, l.route]));
    const refusedByDatabase = logs.filter((l) => l.msg === 'database refused a value').slice(refusedBefore);
    expect(refusedByDatabase.map((l) => `${String(routeOf.get(l.reqId))} → SQLSTATE ${String(l.sqlstate)}: ${JSON.stringify(l.err)}`)).toEqual([]);
  }, 600_000);

  it('refuses a forged, foreign or malformed cursor on every list with a 400 naming cursor, and takes its own', async () => {
    const lists: Array<{ list: string; path: string; query: () => Promise<Record<string, string>>; agent: () => ReturnType<TestApp['request']> }> = [
      { list: 'clients', path: '/api/clients', query: async () => ({}), agent: () => agents.staff },
      { list: 'clients:recent', path: '/api/clients', query: async () => ({ sort: 'recent' }), agent: () => agents.staff },
      { list: 'couples', path: '/api/couples', query: async () => ({}), agent: () => agents.staff },
      { list: 'staff', path: '/api/staff', query: async () => ({}), agent: () => agents.staff },
      { list: 'notes', path: '/api/notes', query: async () => ({ clientId: cursorSubjects.notes! }), agent: () => agents.staff },
      { list: 'assignments', path: '/api/assignments', query: async () => ({ clientId: ctx.portalClientId }), agent: () => agents.staff },
      { list: 'portal-history', path: '/api/portal/history', query: async () => ({}), agent: () => agents.portal },
      { list: 'audit', path: '/api/audit', query: async () => ({}), agent: () => agents.staff },
      { list: 'exercises', path: '/api/exercises', query: async () => ({}), agent: () => agents.staff },
    ];
    for (const { list, path, query, agent } of lists) {
      const base = await query();
      const own = await agent().get(path).query({ ...base, limit: '1', cursor: cursors[list]! });
      expect({ list, status: own.status }).toEqual({ list, status: 200 });
      const others = [...Object.entries(cursors).filter(([name]) => name !== list), ...forgedCursors().map((c) => ['forged', c] as const)];
      for (const [from, cursor] of others) {
        const res = await agent().get(path).query({ ...base, cursor });
        expect({ list, from, status: res.status, field: res.body.fields?.cursor }).toEqual({ list, from, status: 400, field: expect.any(String) });
      }
    }
    // A note cursor is bound to the client whose notes it pages: another client's list refuses it.
    const elsewhere = await agents.staff.get('/api/notes').query({ clientId: ctx.portalClientId, cursor: cursors.notes! });
    expect(elsewhere.status).toBe(400);
  });

  it('refuses audit dates in any form but YYYY-MM-DD with a 400 naming the field, on the page and on the export', async () => {
    for (const path of ['/api/audit', '/api/audit/export.csv']) {
      for (const field of ['from', 'to']) {
        for (const value of [...DATE_FORMS, '2026-11-01T10:00:00.000Z']) {
          const res = await agents.staff.get(path).query({ [field]: value });
          expect({ path, field, value, status: res.status, message: res.body.fields?.[field] }).toEqual({ path, field, value, status: 400, message: expect.any(String) });
          expect(res.headers['content-type']).toMatch(/application\/json/);
        }
      }
      const ok = await agents.staff.get(path).query({ from: '2026-01-01', to: '2099-12-31' });
      expect(ok.status).toBe(200);
    }
  });

  it('bounds every version and count by its column: past 2147483647 or fractional is a 400, and a path version past it names nothing', async () => {
    const client = await agents.staff.post('/api/clients').send({ name: 'Bounded Client' });
    for (const version of [2147483648, 1.5, -1, 0, 1e308]) {
      const res = await agents.staff.patch(`/api/clients/${client.body.id}`).send({ name: 'Renamed', version });
      expect({ version, status: res.status, field: res.body.fields?.version }).toEqual({ version, status: 400, field: expect.any(String) });
    }
    const exercise = await agents.staff.post('/api/exercises').send({ definition: exerciseDefinition() });
    expect(exercise.status).toBe(201);
    const update = await agents.staff.put(`/api/exercises/${exercise.body.id}`).send({ definition: exerciseDefinition(), baseVersion: 2147483648 });
    expect(update.body.fields?.baseVersion).toEqual(expect.any(String));
    for (const version of ['2147483648', '2147483647', '1.5', '99999999999999999999']) {
      expect((await agents.staff.get(`/api/exercises/${exercise.body.id}/versions/${version}`)).status).toBe(404);
    }
    expect((await agents.staff.get(`/api/exercises/${exercise.body.id}/versions/1`)).status).toBe(200);
  });

  it('refuses a NUL character at any depth the body parser accepts', async () => {
    for (const depth of [0, 1, 40, 500, 995]) {
      const definition = { ...exerciseDefinition(), steps: [{ id: 'deep', kind: 'info', prompt: 'Read.', extra: nulAtDepth(depth) }] };
      const res = await agents.staff.post('/api/exercises').send({ definition });
      expect({ depth, status: res.status, code: res.body.code }).toEqual({ depth, status: 400, code: 'validation_failed' });
    }
    const key = await agents.staff.post('/api/exercises').send({ definition: { ...exerciseDefinition(), ...(NUL_KEY as object) } });
    expect(key.status).toBe(400);
  });

  /** The client whose notes the `notes` cursor pages. */
  const cursorSubjects: { notes?: string } = {};

  async function fillLists(
    app: TestApp,
    practice: { id: string },
    staff: TestStaff,
    agent: ReturnType<TestApp['request']>,
    portalClient: { id: string; practiceId: string },
    portal: ReturnType<TestApp['request']>,
  ): Promise<{ cursors: Record<string, string>; ids: string[] }> {
    const a = await newClient(app.db, practice, { clinicians: [staff] });
    const b = await newClient(app.db, practice, { clinicians: [staff] });
    const couple = await newCouple(app.db, practice, { members: [a, b], clinicians: [staff] });
    await newCouple(app.db, practice, { clinicians: [staff] });
    const colleague = await newClinician(app.db, practice);
    const notes: string[] = [];
    for (const sessionDate of ['2026-11-02', '2026-11-09']) {
      const note = await agent.post('/api/notes').send({ clientId: a.id, sessionDate, format: 'SOAP', kind: 'progress' });
      if (note.status !== 201) throw new Error(`note: ${note.status} ${JSON.stringify(note.body)}`);
      notes.push(note.body.id);
    }
    if (practice.id === ctx.home.id) cursorSubjects.notes = a.id;
    const assignments: string[] = [];
    for (let i = 0; i < 2; i++) {
      const row = {
        id: await newHomework(app.db, practice, portalClient, staff, { exerciseRef: 'builtin:walk', exercise: { ...exerciseDefinition(), version: 1 }, instructions: 'Try this.' }),
      };
      const submitted = await portal.post(`/api/portal/assignments/${row!.id}/occurrences/1/submit`).send({ answers: { rate: 7 }, submissionId: crypto.randomUUID() });
      if (submitted.status !== 200) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
      assignments.push(row!.id);
    }
    const exercise = await agent.post('/api/exercises').send({ definition: exerciseDefinition() });
    const next = async (res: Promise<{ status: number; body: { nextCursor?: string | null } }>) => {
      const page = await res;
      if (page.status !== 200 || !page.body.nextCursor) throw new Error(`no cursor: ${page.status} ${JSON.stringify(page.body).slice(0, 200)}`);
      return page.body.nextCursor;
    };
    const one = { limit: '1' };
    return {
      cursors: {
        clients: await next(agent.get('/api/clients').query(one)),
        'clients:recent': await next(agent.get('/api/clients').query({ ...one, sort: 'recent' })),
        couples: await next(agent.get('/api/couples').query(one)),
        staff: await next(agent.get('/api/staff').query(one)),
        notes: await next(agent.get('/api/notes').query({ ...one, clientId: a.id })),
        assignments: await next(agent.get('/api/assignments').query({ ...one, clientId: portalClient.id })),
        'portal-history': await next(portal.get('/api/portal/history').query(one)),
        audit: await next(agent.get('/api/audit').query(one)),
        exercises: await next(agent.get('/api/exercises').query(one)),
      },
      ids: [a.id, couple.id, colleague.id, notes[0]!, assignments[0]!, exercise.body.id, portalClient.id],
    };
  }
});
