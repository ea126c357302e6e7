import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Audience } from '../../src/access/allow.decorator.js';

/**
 * Who may call each route, as the tests check it. Every registered route must
 * have a row (route-declarations.e2e-spec.ts fails otherwise), and every row
 * is run as each kind of actor (access-matrix.e2e-spec.ts).
 *
 * Records named in paths belong to the "home" practice. "other*" actors are
 * signed-in staff of another practice: for them a home record must read as
 * missing (404), never as forbidden.
 */
export const ACTOR_KINDS = ['anonymous', 'homeAdmin', 'homeClinician', 'otherAdmin', 'otherClinician'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export interface MatrixContext {
  db: DataSource;
  home: { id: string };
}

export interface MatrixRow {
  route: string;
  audience: Audience;
  /** Path parameters naming home-practice records, made fresh for each call. */
  params?: (ctx: MatrixContext) => Promise<Record<string, string>>;
  /** A valid body, so that the status reflects access and not validation. */
  body?: (ctx: MatrixContext) => object;
  expect: Record<ActorKind, number>;
}

const unique = () => crypto.randomBytes(4).toString('hex');

async function invitedStaff(ctx: MatrixContext): Promise<Record<string, string>> {
  const [row]: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO staff_user (practice_id, email, name, roles, active) VALUES ($1, $2, 'Matrix Target', '{clinician}', true) RETURNING id`,
    [ctx.home.id, `target.${unique()}@test.example`],
  );
  return { id: row!.id };
}

const everyone = (status: number): Record<ActorKind, number> => ({
  anonymous: status,
  homeAdmin: status,
  homeClinician: status,
  otherAdmin: status,
  otherClinician: status,
});

const signedIn = (status: number): Record<ActorKind, number> => ({ ...everyone(status), anonymous: 401 });

/** Admin-only route on a home record: other practices' admins see nothing there. */
const adminRecord = (status: number): Record<ActorKind, number> => ({
  anonymous: 401,
  homeAdmin: status,
  homeClinician: 403,
  otherAdmin: 404,
  otherClinician: 403,
});

/** Admin-only route scoped to the caller's own practice (lists, creation). */
const adminOwnPractice = (status: number): Record<ActorKind, number> => ({
  anonymous: 401,
  homeAdmin: status,
  homeClinician: 403,
  otherAdmin: status,
  otherClinician: 403,
});

const someToken = () => crypto.randomBytes(32).toString('base64url');

export const ACCESS_MATRIX: MatrixRow[] = [
  { route: 'GET /api/health', audience: 'public', expect: everyone(200) },
  {
    route: 'POST /api/auth/login',
    audience: 'public',
    body: () => ({ email: `nobody.${unique()}@test.example`, password: 'not the password' }),
    expect: everyone(401),
  },
  { route: 'POST /api/auth/logout', audience: 'public', expect: everyone(204) },
  { route: 'GET /api/auth/me', audience: 'staff', expect: signedIn(200) },
  { route: 'POST /api/auth/invite', audience: 'public', body: () => ({ token: someToken() }), expect: everyone(404) },
  {
    route: 'POST /api/auth/set-password',
    audience: 'public',
    body: () => ({ token: someToken(), password: 'a long new passphrase' }),
    expect: everyone(404),
  },
  { route: 'GET /api/staff', audience: 'admin', expect: adminOwnPractice(200) },
  { route: 'GET /api/staff/:id', audience: 'admin', params: invitedStaff, expect: adminRecord(200) },
  {
    route: 'POST /api/staff',
    audience: 'admin',
    body: () => ({ email: `new.${unique()}@test.example`, name: 'New Colleague', roles: ['clinician'] }),
    expect: adminOwnPractice(201),
  },
  { route: 'POST /api/staff/:id/invite', audience: 'admin', params: invitedStaff, expect: adminRecord(200) },
  {
    route: 'PATCH /api/staff/:id',
    audience: 'admin',
    params: invitedStaff,
    body: () => ({ name: 'Renamed Colleague' }),
    expect: adminRecord(200),
  },
  { route: 'POST /api/staff/:id/deactivate', audience: 'admin', params: invitedStaff, expect: adminRecord(200) },
  { route: 'POST /api/staff/:id/reactivate', audience: 'admin', params: invitedStaff, expect: adminRecord(200) },
];
