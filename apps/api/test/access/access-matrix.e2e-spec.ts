import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newPractice, portalAs, signIn, type TestStaff } from '../support/factories.js';
import { ACCESS_MATRIX, ACTOR_KINDS, expectedStatus, type ActorKind, type MatrixContext } from './access-matrix.js';
import { FIELD_CIPHER } from '../../src/encryption/encryption.service.js';

describe('access matrix', () => {
  let t: TestApp;
  let ctx: MatrixContext;
  const actors = new Map<ActorKind, TestStaff | null>();
  const portalClients = new Map<ActorKind, { id: string; practiceId: string }>();

  beforeAll(async () => {
    t = await startTestApp();
    const home = await newPractice(t.db);
    const other = await newPractice(t.db);
    const homeClinician = await newClinician(t.db, home);
    const portalClient = await newClient(t.db, home, { name: 'Portal Client', clinicians: [homeClinician] });
    portalClients.set('homePortal', portalClient);
    portalClients.set('otherPortal', await newClient(t.db, home, { name: 'Another Client', clinicians: [homeClinician] }));
    ctx = { db: t.db, home, homeClinicianId: homeClinician.id, portalClientId: portalClient.id, cipher: t.app.get(FIELD_CIPHER) };
    actors.set('anonymous', null);
    actors.set('homeAdmin', await newAdmin(t.db, home));
    actors.set('homeClinician', homeClinician);
    actors.set('homeOutsider', await newClinician(t.db, home));
    actors.set('otherAdmin', await newAdmin(t.db, other));
    actors.set('otherClinician', await newClinician(t.db, other));
  });
  afterAll(() => t.close());

  const cases = ACCESS_MATRIX.flatMap((row) => ACTOR_KINDS.map((actor) => ({ row, actor, status: expectedStatus(row, actor) })));

  it.each(cases.map((c) => [c.row.route, c.actor, c.status, c] as const))('%s as %s → %i', async (_r, _a, _s, c) => {
    const staff = actors.get(c.actor);
    const client = portalClients.get(c.actor);
    // A fresh session per call: some routes (logout, deactivate, portal sign-out) end sessions.
    const agent = staff ? await signIn(t, staff) : client ? await portalAs(t, client, { id: ctx.homeClinicianId }) : t.request();
    const params = c.row.params ? await c.row.params(ctx) : {};
    const [method, template] = c.row.route.split(' ') as [string, string];
    const path = template.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? `missing-${name}`);
    const call = agent[method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](path).query(c.row.query?.(params) ?? {});
    const body = c.row.bodyFromParams ? c.row.bodyFromParams(params) : c.row.body?.(ctx);
    const res = body ? await call.send(body) : await call;
    expect({ status: res.status, code: res.body?.code }).toEqual(
      expect.objectContaining({ status: c.status }),
    );
  });
});
