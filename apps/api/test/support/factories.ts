import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { StaffRole } from '@tandem/shared';
import { hashPassword } from '../../src/auth/passwords.js';
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
  const [row]: Array<{ id: string }> = await db.query(`INSERT INTO practice (name) VALUES ($1) RETURNING id`, [name]);
  return { id: row!.id, name };
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
  const [row]: Array<{ id: string }> = await db.query(
    `INSERT INTO staff_user (practice_id, email, name, roles, password_hash, active) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [practice.id, email, name, roles, await testPasswordHash, options.active ?? true],
  );
  return { id: row!.id, practiceId: practice.id, email, name, roles, password: TEST_PASSWORD };
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
  const [row]: Array<{ id: string }> = await db.query(
    `INSERT INTO client (practice_id, name, status, discharged_at) VALUES ($1, $2, $3, $4) RETURNING id`,
    [practice.id, name, discharged ? 'discharged' : 'active', discharged ? new Date() : null],
  );
  for (const [i, clinician] of (options.clinicians ?? []).entries()) {
    await db.query(`INSERT INTO care_team_member (practice_id, client_id, staff_user_id, role) VALUES ($1, $2, $3, $4)`, [
      practice.id,
      row!.id,
      clinician.id,
      i === 0 ? 'primary' : 'secondary',
    ]);
  }
  return { id: row!.id, practiceId: practice.id, name };
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
  const [row]: Array<{ id: string }> = await db.query(
    `INSERT INTO couple (practice_id, display_name, conjoint_safety) VALUES ($1, $2, $3) RETURNING id`,
    [practice.id, options.displayName ?? `Couple ${unique()}`, options.safety ?? 'unscreened'],
  );
  for (const member of members) {
    await db.query(`INSERT INTO couple_member (practice_id, couple_id, client_id) VALUES ($1, $2, $3)`, [practice.id, row!.id, member.id]);
  }
  for (const [i, clinician] of (options.clinicians ?? []).entries()) {
    await db.query(`INSERT INTO care_team_member (practice_id, couple_id, staff_user_id, role) VALUES ($1, $2, $3, $4)`, [
      practice.id,
      row!.id,
      clinician.id,
      i === 0 ? 'primary' : 'secondary',
    ]);
  }
  return { id: row!.id, practiceId: practice.id, memberIds: members.map((m) => m.id) };
}

/** A portal link for the client, straight into the database; returns the token. */
export async function newPortalLink(db: DataSource, client: { id: string; practiceId: string }, createdBy: { id: string }, options: { expiresAt?: Date } = {}): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  await db.query(`INSERT INTO portal_link (practice_id, client_id, token_hash, created_by, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
    client.practiceId,
    client.id,
    crypto.createHash('sha256').update(token).digest(),
    createdBy.id,
    options.expiresAt ?? new Date(Date.now() + 86_400_000),
  ]);
  return token;
}

/** A supertest agent holding a portal session opened with `token`, the way a client's browser gets one. */
export async function openPortal(t: TestApp, token: string) {
  const agent = t.request();
  const res = await agent.get(`/p/${token}`);
  if (res.status !== 303 || res.headers.location !== '/portal') throw new Error(`portal link did not open: ${res.status} ${res.headers.location}`);
  return agent;
}

/** Signs a client into the portal through a fresh link. */
export async function portalAs(t: TestApp, client: { id: string; practiceId: string }, issuer: { id: string }) {
  return openPortal(t, await newPortalLink(t.db, client, issuer));
}
