import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Audience } from '../../src/access/allow.decorator.js';
import { aadFor, type FieldCipher } from '../../src/encryption/field-cipher.js';
import { newHomework } from '../support/factories.js';

/**
 * Who may call each route, as the tests check it. Every registered route must
 * have a row (route-declarations.e2e-spec.ts fails otherwise), and every row
 * is run as each kind of actor (access-matrix.e2e-spec.ts).
 *
 * Records named in paths belong to the "home" practice, and homeClinician is
 * on their care teams. homeOutsider is a clinician of the same practice who is
 * not; "other*" actors are signed-in staff of another practice. For both, a
 * record they may not see must read as missing (404), never as forbidden.
 */
export const STAFF_ACTOR_KINDS = ['anonymous', 'homeAdmin', 'homeClinician', 'homeOutsider', 'otherAdmin', 'otherClinician'] as const;
/**
 * Clients holding a portal session: homePortal is the client whose homework
 * the builders make; otherPortal is another client of the same practice.
 */
export const PORTAL_ACTOR_KINDS = ['homePortal', 'otherPortal'] as const;
export const ACTOR_KINDS = [...STAFF_ACTOR_KINDS, ...PORTAL_ACTOR_KINDS] as const;
export type StaffActorKind = (typeof STAFF_ACTOR_KINDS)[number];
export type PortalActorKind = (typeof PORTAL_ACTOR_KINDS)[number];
export type ActorKind = (typeof ACTOR_KINDS)[number];

export interface MatrixContext {
  db: DataSource;
  home: { id: string };
  /** The clinician on the care teams of the records the builders make. */
  homeClinicianId: string;
  /** The client signed in as homePortal: on homeClinician's care team. */
  portalClientId: string;
  cipher: FieldCipher;
}

export interface MatrixRow {
  route: string;
  audience: Audience;
  /** Path parameters naming home-practice records, made fresh for each call. */
  params?: (ctx: MatrixContext) => Promise<Record<string, string>>;
  /** A valid body, so that the status reflects access and not validation. */
  body?: (ctx: MatrixContext) => object;
  /** For bodies that name the records the params builder made. */
  bodyFromParams?: (params: Record<string, string>) => object;
  /** Query string, from the records the params builder made. */
  query?: (params: Record<string, string>) => Record<string, string>;
  /** Portal actors, when not named, get what anonymous gets on public routes and 401 elsewhere (no staff session). */
  expect: Record<StaffActorKind, number> & Partial<Record<PortalActorKind, number>>;
}

export function expectedStatus(row: MatrixRow, actor: ActorKind): number {
  const given = row.expect[actor];
  if (given !== undefined) return given;
  return row.audience === 'public' ? row.expect.anonymous : 401;
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
  homePortal: status,
  otherPortal: status,
  anonymous: status,
  homeAdmin: status,
  homeClinician: status,
  homeOutsider: status,
  otherAdmin: status,
  otherClinician: status,
});

const signedIn = (status: number): MatrixRow['expect'] => ({ ...everyone(status), anonymous: 401, homePortal: 401, otherPortal: 401 });

/** Admin-only route on a home record: other practices' admins see nothing there. */
const adminRecord = (status: number): Record<StaffActorKind, number> => ({
  anonymous: 401,
  homeAdmin: status,
  homeClinician: 403,
  homeOutsider: 403,
  otherAdmin: 404,
  otherClinician: 403,
});

/** Admin-only route scoped to the caller's own practice (lists, creation). */
const adminOwnPractice = (status: number): Record<StaffActorKind, number> => ({
  anonymous: 401,
  homeAdmin: status,
  homeClinician: 403,
  homeOutsider: 403,
  otherAdmin: status,
  otherClinician: 403,
});

/** A clinical record: its admins and care team reach it; everyone else finds nothing. */
const careTeamRecord = (status: number): Record<StaffActorKind, number> => ({
  anonymous: 401,
  homeAdmin: status,
  homeClinician: status,
  homeOutsider: 404,
  otherAdmin: 404,
  otherClinician: 404,
});

/** Only a clinician on the care team (not an admin as such). */
const careTeamClinicianOnly = (status: number): Record<StaffActorKind, number> => ({
  anonymous: 401,
  homeAdmin: 403,
  homeClinician: status,
  homeOutsider: 404,
  otherAdmin: 403,
  otherClinician: 404,
});

async function insertClient(ctx: MatrixContext, name = 'Matrix Client'): Promise<string> {
  const [row]: Array<{ id: string }> = await ctx.db.query(`INSERT INTO client (practice_id, name) VALUES ($1, $2) RETURNING id`, [ctx.home.id, name]);
  return row!.id;
}

async function clientOnTeam(ctx: MatrixContext): Promise<Record<string, string>> {
  const id = await insertClient(ctx);
  await ctx.db.query(`INSERT INTO care_team_member (practice_id, client_id, staff_user_id, role) VALUES ($1, $2, $3, 'primary')`, [
    ctx.home.id,
    id,
    ctx.homeClinicianId,
  ]);
  return { id };
}

async function coupleOnTeam(ctx: MatrixContext, members = 2): Promise<Record<string, string>> {
  const [couple]: Array<{ id: string }> = await ctx.db.query(`INSERT INTO couple (practice_id, display_name) VALUES ($1, 'Matrix Couple') RETURNING id`, [ctx.home.id]);
  const memberIds: string[] = [];
  for (let i = 0; i < members; i++) {
    const clientId = await insertClient(ctx, `Matrix Partner ${i}`);
    memberIds.push(clientId);
    await ctx.db.query(`INSERT INTO couple_member (practice_id, couple_id, client_id) VALUES ($1, $2, $3)`, [ctx.home.id, couple!.id, clientId]);
  }
  await ctx.db.query(`INSERT INTO care_team_member (practice_id, couple_id, staff_user_id, role) VALUES ($1, $2, $3, 'primary')`, [
    ctx.home.id,
    couple!.id,
    ctx.homeClinicianId,
  ]);
  return { id: couple!.id, clientId: memberIds[0]! };
}

const someToken = () => crypto.randomBytes(32).toString('base64url');

/** A client on the home clinician's team with an email address, so a link can be sent. */
async function emailableClientOnTeam(ctx: MatrixContext): Promise<Record<string, string>> {
  const { id } = await clientOnTeam(ctx);
  await ctx.db.query(`UPDATE client SET email = $3 WHERE practice_id = $1 AND id = $2`, [ctx.home.id, id, `client.${unique()}@test.example`]);
  return { id: id! };
}

async function emailableCoupleOnTeam(ctx: MatrixContext): Promise<Record<string, string>> {
  const couple = await coupleOnTeam(ctx);
  await ctx.db.query(
    `UPDATE client SET email = 'partners.' || $3 || '@test.example'
      WHERE practice_id = $1 AND id IN (SELECT client_id FROM couple_member WHERE practice_id = $1 AND couple_id = $2)`,
    [ctx.home.id, couple.id, unique()],
  );
  return { id: couple.id! };
}

/** The signed-in clinician's own settings: any clinician, in any practice; admins who are not clinicians have none. */
const ownClinicianSetting = (status: number): Record<StaffActorKind, number> => ({
  anonymous: 401,
  homeAdmin: 403,
  homeClinician: status,
  homeOutsider: status,
  otherAdmin: 403,
  otherClinician: status,
});

/** A valid practice exercise definition with a slug of its own. */
export function exerciseDefinition(slug = `matrix-${unique()}`) {
  return {
    slug,
    title: 'Matrix exercise',
    summary: 'An exercise made for the access matrix.',
    theme: 'connection',
    audience: 'either',
    minutes: 5,
    source: null,
    safety: { requiresScreening: false },
    recurrence: ['once'],
    steps: [
      { id: 'intro', kind: 'info', prompt: 'Read this first.' },
      { id: 'rate', kind: 'scale', prompt: 'How close do you feel?', required: true, min: 0, max: 10, minLabel: 'Far', maxLabel: 'Close' },
    ],
  };
}

/** A practice exercise written by the home clinician. */
async function practiceExercise(ctx: MatrixContext): Promise<Record<string, string>> {
  const definition = { ...exerciseDefinition(), version: 1 };
  const [row]: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO exercise (practice_id, slug, author_id, title, theme, audience, recurring) VALUES ($1, $2, $3, $4, 'connection', 'either', false) RETURNING id`,
    [ctx.home.id, definition.slug, ctx.homeClinicianId, definition.title],
  );
  await ctx.db.query(`INSERT INTO exercise_version (practice_id, exercise_id, version, definition, created_by) VALUES ($1, $2, 1, $3, $4)`, [
    ctx.home.id,
    row!.id,
    JSON.stringify(definition),
    ctx.homeClinicianId,
  ]);
  return { id: row!.id, version: '1' };
}

/** The practice's library: everyone on its staff reads it; other practices see nothing. */
const practiceLibrary = (status: number): Record<StaffActorKind, number> => ({
  anonymous: 401,
  homeAdmin: status,
  homeClinician: status,
  homeOutsider: status,
  otherAdmin: 404,
  otherClinician: 404,
});

/** Changes to a practice exercise: its author (homeClinician) or an admin. */
const authorOrAdmin = (status: number): Record<StaffActorKind, number> => ({ ...practiceLibrary(status), homeOutsider: 403 });

/** A progress note by the home clinician about a client on their team. */
async function noteOnTeam(ctx: MatrixContext, status: 'draft' | 'signed' = 'draft'): Promise<Record<string, string>> {
  const { id: clientId } = await clientOnTeam(ctx);
  const id = crypto.randomUUID();
  const sealed = ctx.cipher.encrypt(JSON.stringify({ subjective: 'Said things.', objective: '', assessment: '', plan: '' }), aadFor('session_note', ctx.home.id, id, 'sections'));
  await ctx.db.query(
    `INSERT INTO session_note (practice_id, id, client_id, author_id, session_date, format, kind, key_id, sections_enc, status, signed_at, signed_by)
     VALUES ($1, $2, $3, $4, '2026-11-20', 'SOAP', 'progress', $5, $6, $7, $8, $9)`,
    [ctx.home.id, id, clientId, ctx.homeClinicianId, sealed.keyId, sealed.ciphertext, status, status === 'signed' ? new Date() : null, status === 'signed' ? ctx.homeClinicianId : null],
  );
  return { id };
}

/** A once-off assignment of a small exercise to the portal client, by homeClinician, open today. */
async function assignmentForPortalClient(ctx: MatrixContext): Promise<Record<string, string>> {
  const id = await newHomework(ctx.db, ctx.home, { id: ctx.portalClientId }, { id: ctx.homeClinicianId }, {
    exerciseRef: 'builtin:matrix',
    exercise: { ...exerciseDefinition(), version: 1 },
    instructions: 'Try this.',
  });
  return { id, assignmentId: id, seq: '1', clientId: ctx.portalClientId };
}

/** An open alert raised by the portal client's submitted answer (the client is on homeClinician's team). */
async function alertOnTeam(ctx: MatrixContext): Promise<Record<string, string>> {
  const { assignmentId } = await assignmentForPortalClient(ctx);
  const responseId = crypto.randomUUID();
  const sealed = ctx.cipher.encrypt(JSON.stringify({}), aadFor('response', ctx.home.id, responseId, 'answers'));
  await ctx.db.query(
    `INSERT INTO response (practice_id, id, assignment_id, seq, client_id, key_id, answers_enc, status, submission_id, submitted_at)
     VALUES ($1, $2, $3, 1, $4, $5, $6, 'submitted', gen_random_uuid(), now())`,
    [ctx.home.id, responseId, assignmentId, ctx.portalClientId, sealed.keyId, sealed.ciphertext],
  );
  const [row]: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO alert (practice_id, response_id, client_id, assignment_id, seq, priority, signals) VALUES ($1, $2, $3, $4, 1, 'normal', 1) RETURNING id`,
    [ctx.home.id, responseId, ctx.portalClientId, assignmentId],
  );
  return { id: row!.id };
}

/** Answers the portal client submitted to a fresh assignment, not yet reviewed. */
async function submittedResponse(ctx: MatrixContext): Promise<Record<string, string>> {
  const { assignmentId } = await assignmentForPortalClient(ctx);
  const id = crypto.randomUUID();
  const sealed = ctx.cipher.encrypt(JSON.stringify({ rate: 6 }), aadFor('response', ctx.home.id, id, 'answers'));
  await ctx.db.query(
    `INSERT INTO response (practice_id, id, assignment_id, seq, client_id, key_id, answers_enc, status, submission_id, submitted_at)
     VALUES ($1, $2, $3, 1, $4, $5, $6, 'submitted', $7, now())`,
    [ctx.home.id, id, assignmentId, ctx.portalClientId, sealed.keyId, sealed.ciphertext, crypto.randomUUID()],
  );
  return { id };
}

/** A working portal link for the portal client. */
async function portalLinkToken(ctx: MatrixContext): Promise<Record<string, string>> {
  const token = crypto.randomBytes(32).toString('base64url');
  await ctx.db.query(`INSERT INTO portal_link (practice_id, client_id, token_hash, created_by, expires_at) VALUES ($1, $2, $3, $4, now() + interval '1 day')`, [
    ctx.home.id,
    ctx.portalClientId,
    crypto.createHash('sha256').update(token).digest(),
    ctx.homeClinicianId,
  ]);
  return { token };
}

/** A client on homeClinician's care team, with a working portal link issued by them. */
async function clientWithLink(ctx: MatrixContext): Promise<Record<string, string>> {
  const { id } = await clientOnTeam(ctx);
  await ctx.db.query(`INSERT INTO portal_link (practice_id, client_id, token_hash, created_by, expires_at) VALUES ($1, $2, $3, $4, now() + interval '1 day')`, [
    ctx.home.id,
    id,
    crypto.createHash('sha256').update(someToken()).digest(),
    ctx.homeClinicianId,
  ]);
  return { id };
}

/** A built-in exercise any client may be given once, without screening. */
const ONCE_OFF_BUILTIN = 'builtin:longing-and-fear';

const inThreeDays = () => new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);

/** Portal routes: only a portal session gets in; staff sessions are not portal sessions. */
const portalOnly = (home: number, other: number): MatrixRow['expect'] => ({
  ...everyone(401),
  homePortal: home,
  otherPortal: other,
});

/** Clinicians' own records (their emergency accesses): any practice's clinicians, no admin as such. */
const clinicianOwn = (status: number): Record<StaffActorKind, number> => ({
  anonymous: 401,
  homeAdmin: 403,
  homeClinician: status,
  homeOutsider: status,
  otherAdmin: 403,
  otherClinician: status,
});

/** Something only homeClinician owns (a session, a notice addressed to them): everyone else finds nothing. */
const homeClinicianOwns = (status: number, audience: 'staff' | 'clinician' = 'staff'): Record<StaffActorKind, number> => ({
  anonymous: 401,
  homeAdmin: audience === 'clinician' ? 403 : 404,
  homeClinician: status,
  homeOutsider: 404,
  otherAdmin: audience === 'clinician' ? 403 : 404,
  otherClinician: 404,
});

/** An open session of homeClinician, straight into the database. */
async function homeClinicianSession(ctx: MatrixContext): Promise<Record<string, string>> {
  const [row]: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO staff_session (practice_id, staff_user_id, token_hash, expires_at, ip, user_agent) VALUES ($1, $2, $3, now() + interval '1 hour', '192.0.2.10', 'Matrix')
     RETURNING id`,
    [ctx.home.id, ctx.homeClinicianId, crypto.randomBytes(32)],
  );
  return { id: row!.id };
}

/** An open emergency access by `staffId` to `clientId`. */
async function insertEmergencyAccess(ctx: MatrixContext, staffId: string, clientId: string): Promise<string> {
  const id = crypto.randomUUID();
  const sealed = ctx.cipher.encrypt('Matrix emergency reason.', aadFor('emergency_access', ctx.home.id, id, 'reason'));
  await ctx.db.query(
    `INSERT INTO emergency_access (id, practice_id, staff_user_id, client_id, key_id, reason_enc, expires_at) VALUES ($1, $2, $3, $4, $5, $6, now() + interval '1 hour')`,
    [id, ctx.home.id, staffId, clientId, sealed.keyId, sealed.ciphertext],
  );
  return id;
}

/** homeClinician's open emergency access to a client outside their care team. */
async function emergencyAccessOfHomeClinician(ctx: MatrixContext): Promise<Record<string, string>> {
  return { id: await insertEmergencyAccess(ctx, ctx.homeClinicianId, await insertClient(ctx, 'Matrix Emergency Client')) };
}

/** A notice to homeClinician that a colleague opened their client's record in an emergency. */
async function noticeToHomeClinician(ctx: MatrixContext): Promise<Record<string, string>> {
  const { id: clientId } = await clientOnTeam(ctx);
  const opener = await invitedStaff(ctx);
  const grantId = await insertEmergencyAccess(ctx, opener.id!, clientId);
  const [row]: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO emergency_access_notice (practice_id, emergency_access_id, recipient_id, reason) VALUES ($1, $2, $3, 'care_team') RETURNING id`,
    [ctx.home.id, grantId, ctx.homeClinicianId],
  );
  return { id: row!.id };
}

export const ACCESS_MATRIX: MatrixRow[] = [
  { route: 'GET /api/health', audience: 'public', expect: everyone(200) },
  { route: 'GET /api/health/live', audience: 'public', expect: everyone(200) },
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

  { route: 'GET /api/clients', audience: 'staff', expect: signedIn(200) },
  { route: 'POST /api/clients', audience: 'admin', body: () => ({ name: 'New Client' }), expect: adminOwnPractice(201) },
  { route: 'GET /api/clients/:id', audience: 'staff', params: clientOnTeam, expect: careTeamRecord(200) },
  {
    route: 'PATCH /api/clients/:id',
    audience: 'staff',
    params: clientOnTeam,
    body: () => ({ preferredName: 'Renamed', version: 1 }),
    expect: careTeamRecord(200),
  },
  { route: 'POST /api/clients/:id/discharge', audience: 'staff', params: clientOnTeam, expect: careTeamRecord(200) },
  { route: 'POST /api/clients/:id/reactivate', audience: 'staff', params: clientOnTeam, expect: careTeamRecord(200) },
  {
    route: 'PUT /api/clients/:id/care-team',
    audience: 'admin',
    params: clientOnTeam,
    body: (ctx) => ({ primaryClinicianId: ctx.homeClinicianId, otherClinicianIds: [] }),
    expect: adminRecord(200),
  },

  { route: 'GET /api/couples', audience: 'staff', expect: signedIn(200) },
  {
    route: 'POST /api/couples',
    audience: 'admin',
    body: () => ({ displayName: 'New Couple', memberIds: [] }),
    // The body is refused (no members) only after access is granted.
    expect: { ...adminOwnPractice(400) },
  },
  { route: 'GET /api/couples/:id', audience: 'staff', params: (ctx) => coupleOnTeam(ctx), expect: careTeamRecord(200) },
  {
    route: 'PATCH /api/couples/:id',
    audience: 'admin',
    params: (ctx) => coupleOnTeam(ctx),
    body: () => ({ displayName: 'Renamed Couple', version: 1 }),
    expect: adminRecord(200),
  },
  {
    route: 'POST /api/couples/:id/members',
    audience: 'admin',
    params: async (ctx) => ({ ...(await coupleOnTeam(ctx)), newClientId: await insertClient(ctx, 'Third Partner') }),
    body: () => ({}),
    bodyFromParams: (params) => ({ clientId: params.newClientId }),
    expect: adminRecord(201),
  },
  {
    route: 'DELETE /api/couples/:id/members/:clientId',
    audience: 'admin',
    params: (ctx) => coupleOnTeam(ctx, 3),
    expect: adminRecord(200),
  },
  {
    route: 'PUT /api/couples/:id/safety',
    audience: 'clinician',
    params: (ctx) => coupleOnTeam(ctx),
    body: () => ({ status: 'cleared', note: 'Screened at intake, no concerns.', version: 1 }),
    expect: careTeamClinicianOnly(200),
  },
  {
    route: 'PUT /api/couples/:id/care-team',
    audience: 'admin',
    params: (ctx) => coupleOnTeam(ctx),
    body: (ctx) => ({ primaryClinicianId: ctx.homeClinicianId, otherClinicianIds: [] }),
    expect: adminRecord(200),
  },

  { route: 'GET /api/caseloads', audience: 'admin', expect: adminOwnPractice(200) },

  {
    route: 'GET /api/notes',
    audience: 'staff',
    params: clientOnTeam,
    query: (params) => ({ clientId: params.id! }),
    expect: careTeamRecord(200),
  },
  {
    route: 'POST /api/notes',
    audience: 'clinician',
    params: clientOnTeam,
    bodyFromParams: (params) => ({ clientId: params.id, sessionDate: '2026-11-20', format: 'SOAP', kind: 'progress' }),
    expect: careTeamClinicianOnly(201),
  },
  { route: 'GET /api/notes/:id', audience: 'staff', params: (ctx) => noteOnTeam(ctx), expect: careTeamRecord(200) },
  {
    route: 'PATCH /api/notes/:id',
    audience: 'clinician',
    params: (ctx) => noteOnTeam(ctx),
    body: () => ({ sections: { subjective: 'Updated.' }, version: 1 }),
    expect: careTeamClinicianOnly(200),
  },
  {
    route: 'POST /api/notes/:id/sign',
    audience: 'clinician',
    params: (ctx) => noteOnTeam(ctx),
    body: () => ({ version: 1 }),
    expect: careTeamClinicianOnly(200),
  },
  { route: 'POST /api/notes/:id/addenda', audience: 'clinician', params: (ctx) => noteOnTeam(ctx, 'signed'), expect: careTeamClinicianOnly(201) },
  { route: 'DELETE /api/notes/:id', audience: 'clinician', params: (ctx) => noteOnTeam(ctx), expect: careTeamClinicianOnly(204) },

  { route: 'GET /api/exercises', audience: 'staff', expect: signedIn(200) },
  {
    route: 'POST /api/exercises',
    audience: 'clinician',
    body: () => ({ definition: exerciseDefinition() }),
    expect: { anonymous: 401, homeAdmin: 403, homeClinician: 201, homeOutsider: 201, otherAdmin: 403, otherClinician: 201 },
  },
  { route: 'GET /api/exercises/:id', audience: 'staff', params: practiceExercise, expect: practiceLibrary(200) },
  { route: 'GET /api/exercises/:id/versions/:version', audience: 'staff', params: practiceExercise, expect: practiceLibrary(200) },
  {
    route: 'PUT /api/exercises/:id',
    audience: 'staff',
    params: practiceExercise,
    body: () => ({ definition: exerciseDefinition(), baseVersion: 1 }),
    expect: authorOrAdmin(200),
  },
  { route: 'POST /api/exercises/:id/archive', audience: 'staff', params: practiceExercise, expect: authorOrAdmin(200) },
  { route: 'POST /api/exercises/:id/restore', audience: 'staff', params: practiceExercise, expect: authorOrAdmin(200) },

  {
    route: 'GET /api/assignments',
    audience: 'staff',
    params: clientOnTeam,
    query: (params) => ({ clientId: params.id! }),
    expect: careTeamRecord(200),
  },
  {
    route: 'POST /api/assignments',
    audience: 'clinician',
    params: clientOnTeam,
    bodyFromParams: (params) => ({ clientId: params.id, exerciseId: ONCE_OFF_BUILTIN, instructions: 'Before next week.', dueOn: inThreeDays(), recurrence: 'once' }),
    expect: careTeamClinicianOnly(201),
  },
  {
    route: 'GET /api/assignments/trends',
    audience: 'staff',
    params: clientOnTeam,
    query: (params) => ({ clientId: params.id! }),
    expect: careTeamRecord(200),
  },
  {
    route: 'GET /api/assignments/to-bring',
    audience: 'staff',
    params: clientOnTeam,
    query: (params) => ({ clientId: params.id! }),
    expect: careTeamRecord(200),
  },
  { route: 'GET /api/assignments/:id', audience: 'staff', params: assignmentForPortalClient, expect: careTeamRecord(200) },
  {
    route: 'PATCH /api/assignments/:id',
    audience: 'clinician',
    params: assignmentForPortalClient,
    body: () => ({ dueOn: inThreeDays(), version: 1 }),
    expect: careTeamClinicianOnly(200),
  },
  {
    route: 'POST /api/assignments/:id/cancel',
    audience: 'clinician',
    params: assignmentForPortalClient,
    body: () => ({ version: 1 }),
    expect: careTeamClinicianOnly(200),
  },

  {
    route: 'POST /api/measures/assignments',
    audience: 'clinician',
    params: clientOnTeam,
    bodyFromParams: (params) => ({ clientId: params.id, measure: 'phq-9', dueOn: inThreeDays() }),
    expect: careTeamClinicianOnly(201),
  },
  // Scores are for the care team's clinicians: an admin as such is refused, never shown them.
  {
    route: 'GET /api/measures/scores',
    audience: 'staff',
    params: clientOnTeam,
    query: (params) => ({ clientId: params.id! }),
    expect: { ...careTeamRecord(200), homeAdmin: 403 },
  },
  {
    route: 'GET /api/measures/summary',
    audience: 'staff',
    params: clientOnTeam,
    query: (params) => ({ clientId: params.id! }),
    expect: { ...careTeamRecord(200), homeAdmin: 403 },
  },
  {
    route: 'GET /api/measures/latest',
    audience: 'clinician',
    params: clientOnTeam,
    query: (params) => ({ clientIds: params.id! }),
    // Ids a clinician may not read simply have no scores for them.
    expect: { ...signedIn(200), homeAdmin: 403, otherAdmin: 403 },
  },
  { route: 'GET /api/measures/coverage', audience: 'admin', expect: adminOwnPractice(200) },
  { route: 'GET /api/portal/measures', audience: 'portal', expect: portalOnly(200, 200) },

  { route: 'GET /api/clients/:id/portal-link', audience: 'staff', params: clientOnTeam, expect: careTeamRecord(200) },
  // A working link is for the client's own care team only (DESIGN.md): admins as such never see or copy one.
  { route: 'POST /api/clients/:id/portal-link', audience: 'clinician', params: clientOnTeam, body: () => ({}), expect: careTeamClinicianOnly(201) },
  { route: 'POST /api/clients/:id/portal-link/copied', audience: 'clinician', params: clientWithLink, expect: careTeamClinicianOnly(204) },
  { route: 'DELETE /api/clients/:id/portal-link', audience: 'staff', params: clientOnTeam, expect: careTeamRecord(204) },

  { route: 'GET /api/alerts', audience: 'clinician', expect: { ...signedIn(200), homeAdmin: 403, otherAdmin: 403 } },
  { route: 'GET /api/alerts/counts', audience: 'staff', expect: signedIn(200) },
  {
    route: 'POST /api/alerts/:id/acknowledge',
    audience: 'clinician',
    params: alertOnTeam,
    body: () => ({ note: 'Called the client; safe tonight, seen tomorrow.' }),
    expect: careTeamClinicianOnly(200),
  },
  { route: 'GET /api/practice/crisis-resources', audience: 'staff', expect: signedIn(200) },
  {
    route: 'PUT /api/practice/crisis-resources',
    audience: 'admin',
    body: () => ({ emergencyNumber: '911', lines: [{ label: '988 Suicide & Crisis Lifeline', phone: '988', call: true, text: true }] }),
    expect: adminOwnPractice(200),
  },

  { route: 'GET /p/:token', audience: 'public', params: portalLinkToken, expect: everyone(200) },
  // The portal home page: the same page for everyone, with the first screen drawn in for a signed-in client.
  { route: 'GET /portal', audience: 'public', expect: everyone(200) },
  { route: 'GET /api/portal/me', audience: 'portal', expect: portalOnly(200, 200) },
  { route: 'GET /api/portal/home', audience: 'portal', expect: portalOnly(200, 200) },
  { route: 'GET /api/portal/history', audience: 'portal', expect: portalOnly(200, 200) },
  {
    route: 'GET /api/portal/assignments/:assignmentId/occurrences/:seq',
    audience: 'portal',
    params: assignmentForPortalClient,
    expect: portalOnly(200, 404),
  },
  {
    route: 'PUT /api/portal/assignments/:assignmentId/occurrences/:seq/draft',
    audience: 'portal',
    params: assignmentForPortalClient,
    body: () => ({ answers: { rate: 4 }, version: 0 }),
    expect: portalOnly(200, 404),
  },
  {
    route: 'POST /api/portal/assignments/:assignmentId/occurrences/:seq/submit',
    audience: 'portal',
    params: assignmentForPortalClient,
    body: () => ({ answers: { rate: 7 }, submissionId: crypto.randomUUID() }),
    expect: portalOnly(200, 404),
  },
  { route: 'POST /api/portal/sign-out', audience: 'public', expect: everyone(204) },

  { route: 'GET /api/deliveries/failed', audience: 'staff', expect: signedIn(200) },
  { route: 'POST /api/clients/:id/portal-link/send', audience: 'staff', params: emailableClientOnTeam, expect: careTeamRecord(202) },
  { route: 'POST /api/couples/:id/portal-links/send', audience: 'staff', params: emailableCoupleOnTeam, expect: careTeamRecord(202) },
  { route: 'GET /api/clients/:id/reminders', audience: 'staff', params: clientOnTeam, expect: careTeamRecord(200) },
  { route: 'PUT /api/clients/:id/reminders', audience: 'staff', params: clientOnTeam, body: () => ({ enabled: false, hour: 18 }), expect: careTeamRecord(200) },
  { route: 'GET /api/digest-setting', audience: 'clinician', expect: ownClinicianSetting(200) },
  { route: 'PUT /api/digest-setting', audience: 'clinician', body: () => ({ enabled: true }), expect: ownClinicianSetting(200) },
  { route: 'POST /api/unsubscribe/:token', audience: 'public', params: async () => ({ token: someToken() }), expect: everyone(404) },
  { route: 'POST /api/auth/password-reset/request', audience: 'public', body: () => ({ email: `nobody.${unique()}@test.example` }), expect: everyone(202) },
  { route: 'POST /api/auth/password-reset', audience: 'public', body: () => ({ token: someToken(), password: 'a long new passphrase' }), expect: everyone(404) },
  { route: 'GET /api/attention', audience: 'staff', expect: signedIn(200) },
  { route: 'GET /api/attention/count', audience: 'staff', expect: signedIn(200) },
  { route: 'POST /api/responses/:id/review', audience: 'clinician', params: submittedResponse, expect: careTeamClinicianOnly(200) },

  { route: 'GET /api/audit', audience: 'admin', expect: adminOwnPractice(200) },
  { route: 'GET /api/audit/export.csv', audience: 'admin', expect: adminOwnPractice(200) },
  { route: 'GET /api/audit/verify', audience: 'admin', expect: adminOwnPractice(200) },

  // Backups are of the whole installation: every practice's admins see their status, nobody else.
  { route: 'GET /api/backups/status', audience: 'admin', expect: adminOwnPractice(200) },
  // Two-factor sign-in: the second step needs the sign-in cookie a right password gives, so without one it is a 401.
  { route: 'POST /api/auth/two-factor', audience: 'public', body: () => ({ code: '123456' }), expect: everyone(401) },
  { route: 'POST /api/auth/two-factor/enrolment', audience: 'public', expect: everyone(401) },
  { route: 'POST /api/auth/two-factor/enrolment/confirm', audience: 'public', body: () => ({ code: '123456' }), expect: everyone(401) },
  { route: 'GET /api/account/two-factor', audience: 'staff', expect: signedIn(200) },
  { route: 'POST /api/account/two-factor/enrolment', audience: 'staff', expect: signedIn(200) },
  // A code no app showed: access is granted, the code is refused.
  { route: 'POST /api/account/two-factor/enrolment/confirm', audience: 'staff', body: () => ({ code: '000000' }), expect: signedIn(400) },
  { route: 'POST /api/account/two-factor/recovery-codes', audience: 'staff', body: () => ({ code: '000000' }), expect: signedIn(400) },
  { route: 'POST /api/account/two-factor/disable', audience: 'staff', body: () => ({ code: '000000' }), expect: signedIn(400) },
  { route: 'GET /api/account/sessions', audience: 'staff', expect: signedIn(200) },
  { route: 'DELETE /api/account/sessions/:id', audience: 'staff', params: homeClinicianSession, expect: homeClinicianOwns(204) },
  { route: 'GET /api/practice/security', audience: 'admin', expect: adminOwnPractice(200) },
  { route: 'PUT /api/practice/security', audience: 'admin', body: () => ({ requireTwoFactor: false }), expect: adminOwnPractice(200) },
  { route: 'GET /api/staff/:id/sessions', audience: 'admin', params: invitedStaff, expect: adminRecord(200) },
  { route: 'POST /api/staff/:id/sessions/end', audience: 'admin', params: invitedStaff, expect: adminRecord(200) },
  { route: 'POST /api/staff/:id/two-factor/reset', audience: 'admin', params: invitedStaff, expect: adminRecord(204) },

  // Emergency access: any clinician may open a record of their practice outside their care team; the grant is theirs alone.
  { route: 'GET /api/emergency-access', audience: 'clinician', expect: clinicianOwn(200) },
  { route: 'GET /api/emergency-access/clients', audience: 'clinician', query: () => ({ q: 'Matrix' }), expect: clinicianOwn(200) },
  {
    route: 'POST /api/emergency-access',
    audience: 'clinician',
    params: async (ctx) => ({ clientId: await insertClient(ctx, 'Matrix Emergency Client') }),
    bodyFromParams: (params) => ({ clientId: params.clientId, reason: 'Client called in crisis; primary clinician away.' }),
    expect: { anonymous: 401, homeAdmin: 403, homeClinician: 201, homeOutsider: 201, otherAdmin: 403, otherClinician: 404 },
  },
  { route: 'GET /api/emergency-access/notices', audience: 'staff', expect: signedIn(200) },
  { route: 'POST /api/emergency-access/notices/:id/seen', audience: 'staff', params: noticeToHomeClinician, expect: homeClinicianOwns(204) },
  { route: 'GET /api/emergency-access/:id/record', audience: 'clinician', params: emergencyAccessOfHomeClinician, expect: homeClinicianOwns(200, 'clinician') },
  { route: 'GET /api/emergency-access/:id/notes', audience: 'clinician', params: emergencyAccessOfHomeClinician, expect: homeClinicianOwns(200, 'clinician') },
  { route: 'POST /api/emergency-access/:id/end', audience: 'clinician', params: emergencyAccessOfHomeClinician, expect: homeClinicianOwns(200, 'clinician') },
];
