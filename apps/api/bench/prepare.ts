import crypto from 'node:crypto';
import type pg from 'pg';
import type { Answers } from '@tandem/shared';
import { hashToken, newToken } from '../src/common/tokens.js';
import { INSTRUMENTS, MEASURE_SLUG_PREFIX, measureExercise, type MeasureId } from '@tandem/shared';
import { answersFor } from '../src/demo/demo-homework.js';
import { answersWithTotal } from '../src/demo/demo-measures.js';
import { sealAnswers } from '../src/homework/answers-cipher.js';
import { benchId } from './ids.js';
import { PER_PRACTICE as P } from './plan.js';
import { benchCipher, CLIENT_EXERCISE, exercise } from './seed.js';

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
  /** Another homework client, with a year of outcome measures, and a clinician on their care team. */
  measures: { clientId: string; clinicianToken: string };
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

/** A client's outcome measures for the bench: a year of PHQ-9 every two weeks and GAD-7 every four, as the portal would have scored them, the last three weeks ago. */
const MEASURE_HISTORY: Array<{ measure: MeasureId; everyWeeks: number; totals: (n: number) => number }> = [
  { measure: 'phq-9', everyWeeks: 2, totals: (n) => Math.max(2, 19 - Math.floor(n / 2)) },
  { measure: 'gad-7', everyWeeks: 4, totals: (n) => Math.max(1, 15 - n) },
];

/**
 * Writes the measures chart's history for a client, once (later runs find it): an
 * assignment per measure, its occurrences over the past year, each answered and scored.
 */
async function ensureMeasureHistory(db: pg.Pool, practiceId: string, clientId: string, clinicianId: string, today: string): Promise<void> {
  const { rowCount } = await db.query(`SELECT 1 FROM measure_score WHERE practice_id = $1 AND client_id = $2 LIMIT 1`, [practiceId, clientId]);
  if (rowCount) return;
  const cipher = benchCipher();
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  for (const plan of MEASURE_HISTORY) {
    const instrument = INSTRUMENTS[plan.measure];
    const ex = measureExercise(plan.measure);
    const count = Math.floor(52 / plan.everyWeeks);
    const assignmentId = crypto.randomUUID();
    const dueOn = (seq: number) => new Date(todayMs - (21 + (count - seq) * plan.everyWeeks * 7) * 86_400_000).toISOString().slice(0, 10);
    await db.query(
      `INSERT INTO assignment (practice_id, id, client_id, exercise_ref, exercise_version, exercise, recurrence, occurrence_count, assigned_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, 'weekly', $7, $8, $9::date - 3)`,
      [practiceId, assignmentId, clientId, `${MEASURE_SLUG_PREFIX}${plan.measure}`, ex.version, JSON.stringify(ex), count, clinicianId, dueOn(1)],
    );
    await db.query(`INSERT INTO assignment_member (practice_id, assignment_id, client_id) VALUES ($1, $2, $3)`, [practiceId, assignmentId, clientId]);
    await db.query(`INSERT INTO measure_assignment (practice_id, assignment_id, measure, every_weeks) VALUES ($1, $2, $3, $4)`, [practiceId, assignmentId, plan.measure, plan.everyWeeks]);
    for (let seq = 1; seq <= count; seq++) {
      const total = plan.totals(seq - 1);
      const responseId = crypto.randomUUID();
      const at = `${dueOn(seq)}T19:30:00Z`;
      await db.query(
        `INSERT INTO assignment_occurrence (practice_id, assignment_id, seq, client_id, opens_on, due_on, pending) VALUES ($1, $2, $3, $4, $5::date - 3, $5::date, 0)`,
        [practiceId, assignmentId, seq, clientId, dueOn(seq)],
      );
      const sealed = sealAnswers(cipher, practiceId, responseId, answersWithTotal(instrument, total));
      await db.query(
        `INSERT INTO response (practice_id, id, assignment_id, seq, client_id, status, key_id, answers_enc, version, submission_id, created_at, updated_at, submitted_at, reviewed_at, reviewed_by)
         VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7, 2, $8, $9::timestamptz - interval '10 minutes', $9, $9, $9::timestamptz + interval '1 day', $10)`,
        [practiceId, responseId, assignmentId, seq, clientId, sealed.keyId, sealed.ciphertext, crypto.randomUUID(), at, clinicianId],
      );
      await db.query(
        `INSERT INTO measure_score (practice_id, response_id, assignment_id, seq, client_id, measure, total, taken_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [practiceId, responseId, assignmentId, seq, clientId, plan.measure, total, at],
      );
    }
  }
}

/**
 * Sessions for the bench's staff and clients, the client's measures history, and `submitTargets` open
 * one-off assignments (in the last practice, so reads in the first are
 * untouched) for the submit benchmark to answer.
 */
export async function prepareActors(db: pg.Pool, practices: number, today: string, submitTargets: number): Promise<BenchActors> {
  const practiceId = benchId('practice', 0);
  const clinicianId = benchId('staff', 0, 1);
  const clientId = benchId('client', 0, P.firstHomeworkClient);
  const portal = await portalSession(db, practiceId, clientId, clinicianId);
  // The measures go to another of the practice's homework clients (and their clinician), so the other pages read what they always did.
  const measuresClientId = benchId('client', 0, P.firstHomeworkClient + 1);
  const measuresClinicianId = benchId('staff', 0, 2);
  await ensureMeasureHistory(db, practiceId, measuresClientId, measuresClinicianId, today);

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
    measures: { clientId: measuresClientId, clinicianToken: await staffSession(db, practiceId, measuresClinicianId) },
    submit: { practiceId: submitPractice, targets, answers: answersFor(ex, 7, 1, 0) },
  };
}
