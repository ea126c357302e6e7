import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { StaffRole } from '@tandem/shared';
import { sql } from 'kysely';
import { hashPassword } from '../../src/auth/passwords.js';
import { insertHomework } from '../../src/assignments/homework-rows.js';
import { kyselyOn } from '../../src/db/kysely.js';
import type { TestApp } from './test-app.js';

export const TEST_PASSWORD = 'correct horse battery staple';
let testPasswordHash: Promise<string> | undefined;

const unique = () => crypto.randomBytes(4).toString('hex');

export interface TestPractice {
  id: string;
  name: string;
}

export interface TestStaff {
  id: string;
  practiceId: string;
  email: string;
  name: string;
  roles: StaffRole[];
  password: string;
}

export async function newPractice(db: DataSource, name = `Practice ${unique()}`): Promise<TestPractice> {
  const row = await kyselyOn(db).insertInto('practice').values({ name }).returning('id').executeTakeFirstOrThrow();
  return { id: row.id, name };
}

export async function newStaff(
  db: DataSource,
  practice: { id: string },
  options: { roles?: StaffRole[]; email?: string; name?: string; active?: boolean } = {},
): Promise<TestStaff> {
  testPasswordHash ??= hashPassword(TEST_PASSWORD);
  const roles = options.roles ?? ['clinician'];
  const email = options.email ?? `${roles.join('-')}.${unique()}@test.example`;
  const name = options.name ?? `Staff ${unique()}`;
  const row = await kyselyOn(db)
    .insertInto('staff_user')
    .values({ practice_id: practice.id, email, name, roles, password_hash: await testPasswordHash, active: options.active ?? true })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, practiceId: practice.id, email, name, roles, password: TEST_PASSWORD };
}

export const newAdmin = (db: DataSource, practice: { id: string }) => newStaff(db, practice, { roles: ['admin'] });
export const newClinician = (db: DataSource, practice: { id: string }) => newStaff(db, practice, { roles: ['clinician'] });

/** A supertest agent holding a signed-in session of `staff`. */
export async function signIn(t: TestApp, staff: { email: string; password: string }) {
  const agent = t.request();
  const res = await agent.post('/api/auth/login').send({ email: staff.email, password: staff.password });
  if (res.status !== 200) throw new Error(`sign-in of ${staff.email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return agent;
}

export interface TestClient {
  id: string;
  practiceId: string;
  name: string;
}

/** A client, on the care team of `clinicians` (the first is primary). */
export async function newClient(
  db: DataSource,
  practice: { id: string },
  options: { name?: string; clinicians?: Array<{ id: string }>; status?: 'active' | 'discharged' } = {},
): Promise<TestClient> {
  const name = options.name ?? `Client ${unique()}`;
  const discharged = options.status === 'discharged';
  const k = kyselyOn(db);
  const row = await k
    .insertInto('client')
    .values({ practice_id: practice.id, name, status: discharged ? 'discharged' : 'active', discharged_at: discharged ? new Date() : null })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [i, clinician] of (options.clinicians ?? []).entries()) {
    await k.insertInto('care_team_member').values({ practice_id: practice.id, client_id: row.id, staff_user_id: clinician.id, role: i === 0 ? 'primary' : 'secondary' }).execute();
  }
  return { id: row.id, practiceId: practice.id, name };
}

export interface TestCouple {
  id: string;
  practiceId: string;
  memberIds: string[];
}

/** A couple of `members` (new clients unless given), on the care team of `clinicians`. */
export async function newCouple(
  db: DataSource,
  practice: { id: string },
  options: { members?: Array<{ id: string }>; clinicians?: Array<{ id: string }>; displayName?: string; safety?: 'unscreened' | 'cleared' | 'concern' } = {},
): Promise<TestCouple> {
  const members = options.members ?? [await newClient(db, practice), await newClient(db, practice)];
  const k = kyselyOn(db);
  const row = await k
    .insertInto('couple')
    .values({ practice_id: practice.id, display_name: options.displayName ?? `Couple ${unique()}`, conjoint_safety: options.safety ?? 'unscreened' })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const member of members) {
    await k.insertInto('couple_member').values({ practice_id: practice.id, couple_id: row.id, client_id: member.id }).execute();
  }
  for (const [i, clinician] of (options.clinicians ?? []).entries()) {
    await k.insertInto('care_team_member').values({ practice_id: practice.id, couple_id: row.id, staff_user_id: clinician.id, role: i === 0 ? 'primary' : 'secondary' }).execute();
  }
  return { id: row.id, practiceId: practice.id, memberIds: members.map((m) => m.id) };
}

/** A portal link for the client, straight into the database; returns the token. */
export async function newPortalLink(db: DataSource, client: { id: string; practiceId: string }, createdBy: { id: string }, options: { expiresAt?: Date } = {}): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  await kyselyOn(db)
    .insertInto('portal_link')
    .values({
      practice_id: client.practiceId,
      client_id: client.id,
      token_hash: crypto.createHash('sha256').update(token).digest(),
      created_by: createdBy.id,
      expires_at: options.expiresAt ?? new Date(Date.now() + 86_400_000),
    })
    .execute();
  return token;
}

/** A supertest agent holding a portal session opened with `token`, the way a client's browser gets one. */
export async function openPortal(t: TestApp, token: string) {
  const agent = t.request();
  const res = await agent.get(`/p/${token}`);
  // An opened link answers with the portal home (first screen drawn in) and the session cookie.
  if (res.status !== 200 || !/tandem_portal=[^;]+;/.test(String(res.headers['set-cookie']))) throw new Error(`portal link did not open: ${res.status} ${res.headers.location}`);
  return agent;
}

/** Signs a client into the portal through a fresh link. */
export async function portalAs(t: TestApp, client: { id: string; practiceId: string }, issuer: { id: string }) {
  return openPortal(t, await newPortalLink(t.db, client, issuer));
}

/**
 * Homework for one client written straight to the database (the rows the API writes, through
 * insertHomework), open since yesterday: `occurrences` of them, due `dueInDays(seq)` days from today.
 */
export async function newHomework(
  db: DataSource,
  practice: { id: string },
  client: { id: string },
  assignedBy: { id: string },
  options: { exerciseRef: string; exercise: object; instructions?: string; recurrence?: 'once' | 'daily' | 'weekly'; occurrences?: number; dueInDays?: (seq: number) => number },
): Promise<string> {
  const count = options.occurrences ?? 1;
  const dueIn = options.dueInDays ?? (() => 3);
  return insertHomework(kyselyOn(db), {
    assignment: {
      practice_id: practice.id,
      client_id: client.id,
      exercise_ref: options.exerciseRef,
      exercise_version: 1,
      exercise: options.exercise,
      ...(options.instructions !== undefined ? { instructions: options.instructions } : {}),
      recurrence: options.recurrence ?? 'once',
      assigned_by: assignedBy.id,
    },
    members: [client.id],
    occurrences: Array.from({ length: count }, (_, i) => ({ seq: i + 1, opens_on: sql<Date>`current_date - 1`, due_on: sql<Date>`current_date + ${dueIn(i + 1)}::int` })),
  });
}
