import crypto from 'node:crypto';
import type pg from 'pg';
import type { Answers } from '@tandem/shared';
import { hashToken, newToken } from '../src/common/tokens.js';
import { answersFor } from '../src/demo/demo-homework.js';
import { benchId } from './ids.js';
import { PER_PRACTICE as P } from './plan.js';
import { CLIENT_EXERCISE, exercise } from './seed.js';

export interface SubmitTarget {
  assignmentId: string;
  clientId: string;
  sessionId: string;
  token: string;
}

/** Who the bench signs in as, and what it reads and writes: fresh sessions on every run. */
export interface BenchActors {
  practiceId: string;
  adminToken: string;
  clinicianToken: string;
  /** A homework client of the clinician: a year of assignments, answers and notes. */
  clientId: string;
  portalToken: string;
  submit: { practiceId: string; targets: SubmitTarget[]; answers: Answers };
}

async function staffSession(db: pg.Pool, practiceId: string, staffId: string): Promise<string> {
  const token = newToken();
  await db.query(
    `INSERT INTO staff_session (practice_id, staff_user_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')`,
    [practiceId, staffId, hashToken(token)],
  );
  return token;
}

async function portalSession(db: pg.Pool, practiceId: string, clientId: string, createdBy: string): Promise<{ sessionId: string; token: string }> {
  const token = newToken();
  const [link] = (
    await db.query(
      `INSERT INTO portal_link (practice_id, client_id, token_hash, created_by, expires_at) VALUES ($1, $2, $3, $4, now() + interval '30 days') RETURNING id`,
      [practiceId, clientId, hashToken(newToken()), createdBy],
    )
  ).rows as Array<{ id: string }>;
  const [session] = (
    await db.query(
      `INSERT INTO portal_session (practice_id, client_id, link_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, now() + interval '1 day') RETURNING id`,
      [practiceId, clientId, link!.id, hashToken(token)],
    )
  ).rows as Array<{ id: string }>;
  return { sessionId: session!.id, token };
}

/** Clients of the last practice who receive the one-off exercises the submit benchmark answers. */
const SUBMIT_CLIENTS = { first: P.firstHomeworkClient + P.homeworkClients, count: 40 };

/**
 * Sessions for the bench's staff and clients, and `submitTargets` open
 * one-off assignments (in the last practice, so reads in the first are
 * untouched) for the submit benchmark to answer.
 */
export async function prepareActors(db: pg.Pool, practices: number, today: string, submitTargets: number): Promise<BenchActors> {
  const practiceId = benchId('practice', 0);
  const clinicianId = benchId('staff', 0, 1);
  const clientId = benchId('client', 0, P.firstHomeworkClient);
  const portal = await portalSession(db, practiceId, clientId, clinicianId);

  const last = practices - 1;
  const submitPractice = benchId('practice', last);
  const ex = exercise(CLIENT_EXERCISE);
  const clients = await Promise.all(
    Array.from({ length: SUBMIT_CLIENTS.count }, async (_, n) => {
      const i = SUBMIT_CLIENTS.first + n;
      const id = benchId('client', last, i);
      return { id, ...(await portalSession(db, submitPractice, id, benchId('staff', last, 1 + (i % P.clinicians)))) };
    }),
  );
  const targets: SubmitTarget[] = Array.from({ length: submitTargets }, (_, n) => {
    const client = clients[n % clients.length]!;
    return { assignmentId: crypto.randomUUID(), clientId: client.id, sessionId: client.sessionId, token: client.token };
  });
  const ids = targets.map((t) => t.assignmentId);
  const owners = targets.map((t) => t.clientId);
  await db.query(
    `INSERT INTO assignment (practice_id, id, client_id, exercise_ref, exercise_version, exercise, recurrence, occurrence_count, assigned_by, created_at)
     SELECT $1, id, client_id, $4, $5, $6::jsonb, 'once', 1, $7, $8::date - 1 FROM unnest($2::uuid[], $3::uuid[]) AS t(id, client_id)`,
    [submitPractice, ids, owners, `builtin:${ex.slug}`, ex.version, JSON.stringify(ex), benchId('staff', last, 1), today],
  );
  await db.query(`INSERT INTO assignment_member (practice_id, assignment_id, client_id) SELECT $1, id, client_id FROM unnest($2::uuid[], $3::uuid[]) AS t(id, client_id)`, [
    submitPractice,
    ids,
    owners,
  ]);
  await db.query(
    `INSERT INTO assignment_occurrence (practice_id, assignment_id, seq, client_id, opens_on, due_on, pending)
     SELECT $1, id, 1, client_id, $4::date - 1, $4::date + 3, 1 FROM unnest($2::uuid[], $3::uuid[]) AS t(id, client_id)`,
    [submitPractice, ids, owners, today],
  );
  return {
    practiceId,
    adminToken: await staffSession(db, practiceId, benchId('staff', 0, 0)),
    clinicianToken: await staffSession(db, practiceId, clinicianId),
    clientId,
    portalToken: portal.token,
    submit: { practiceId: submitPractice, targets, answers: answersFor(ex, 7, 1, 0) },
  };
}
