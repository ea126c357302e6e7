import crypto from 'node:crypto';
import type pg from 'pg';
import { findBuiltInExercise, NOTE_TEMPLATES, type Exercise } from '@tandem/shared';
import { aadFor, dataKey, FieldCipher } from '../src/encryption/field-cipher.js';
import { answersFor } from '../src/demo/demo-homework.js';
import { sealAnswers } from '../src/homework/answers-cipher.js';
import { BENCH_ID_SQL, benchId } from './ids.js';
import { ASSIGNMENT_SPACING, countsFor, dueIn, NEWEST_FIRST_DUE, PER_PRACTICE as P, responseFor, type SizeCounts } from './plan.js';

/**
 * Bench data is synthetic and encrypted under a fixed, published key, so a
 * seeded database can be reused by later runs. Never put real records in it.
 */
export const BENCH_DATA_KEY = crypto.createHash('sha256').update('tandem bench data key (synthetic data only)').digest();
export const benchCipher = () => new FieldCipher(dataKey(BENCH_DATA_KEY));

export const COUPLE_EXERCISE = 'when-we-miss-each-other';
export const CLIENT_EXERCISE = 'small-acts-of-care';

export function exercise(slug: string): Exercise {
  const found = findBuiltInExercise(slug);
  if (!found) throw new Error(`no built-in exercise ${slug}`);
  return found;
}

const FIRST = ['Avery', 'Blake', 'Camila', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Imani', 'Jonas', 'Kira', 'Luis', 'Maren', 'Nadia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tess', 'Umar', 'Vera', 'Wen', 'Ximena', 'Yusuf', 'Zoe', 'Anneke', 'Bruno', 'Chiara', 'Dmitri'];
const LAST = ['Abbott', 'Baptiste', 'Chen', 'Dube', 'Eriksen', 'Fontaine', 'Garcia', 'Haddad', 'Ito', 'Jansen', 'Kowalski', 'Lindqvist', 'Mensah', 'Novak', 'Okafor', 'Park', 'Quiroga', 'Rossi', 'Sato', 'Tanaka', 'Ueda', 'Varga', 'Weber', 'Xu', 'Yilmaz', 'Zamora', 'Alvarez', 'Brennan', 'Costa', 'Diaz', 'Evans', 'Fischer', 'Gupta', 'Horvat', 'Ivanova', 'Jovanovic', 'Kim', 'Larsen', 'Moreau', 'Nguyen'];
const sqlArray = (values: string[]) => `(ARRAY[${values.map((v) => `'${v}'`).join(',')}])`;
const FIRST_SQL = sqlArray(FIRST);
const LAST_SQL = sqlArray(LAST);

/** Tables loaded in bulk: their secondary indexes are built once, after the load, instead of row by row. */
const BULK_TABLES = ['client', 'couple_member', 'care_team_member', 'assignment', 'assignment_member', 'assignment_occurrence', 'response', 'session_note', 'audit_event'];

/** Every assignment of the bench data, as SQL rows: one CTE shared by the assignment, member and occurrence inserts. */
const ASSIGNMENTS_CTE = `
  WITH s AS (
    SELECT p, bench_id('assignment_couple', p, k, j) AS id, NULL::uuid AS client_id, bench_id('couple', p, k) AS couple_id, k AS subject,
           j, ${P.coupleAssignments} AS n, 2 AS members, bench_id('staff', p, 1 + k % ${P.clinicians}) AS clinician
      FROM generate_series(0, $1::int - 1) p, generate_series(0, ${P.couples - 1}) k, generate_series(0, ${P.coupleAssignments - 1}) j
    UNION ALL
    SELECT p, bench_id('assignment_client', p, i, j), bench_id('client', p, i), NULL, i,
           j, ${P.clientAssignments}, 1, bench_id('staff', p, 1 + i % ${P.clinicians})
      FROM generate_series(0, $1::int - 1) p, generate_series(${P.firstHomeworkClient}, ${P.firstHomeworkClient + P.homeworkClients - 1}) i,
           generate_series(0, ${P.clientAssignments - 1}) j
  ), a AS (
    SELECT s.*, $2::date + (${NEWEST_FIRST_DUE} - ${ASSIGNMENT_SPACING} * (n - 1 - j)) AS first_due FROM s
  )`;

interface Step {
  label: string;
  rows: number;
  run: (db: pg.Pool) => Promise<unknown>;
}

function setSteps(practices: number, today: string): Step[] {
  const c = countsFor(practices);
  const q = (sql: string) => (db: pg.Pool) => db.query(sql, [practices, today]);
  const coupleEx = exercise(COUPLE_EXERCISE);
  const clientEx = exercise(CLIENT_EXERCISE);
  return [
    {
      label: 'practices',
      rows: practices,
      run: q(`INSERT INTO practice (id, name, timezone, created_at)
              SELECT bench_id('practice', p), 'Bench practice ' || (p + 1), 'UTC', $2::date - 730 FROM generate_series(0, $1::int - 1) p`),
    },
    {
      label: 'staff',
      rows: practices * (P.clinicians + 1),
      run: q(`INSERT INTO staff_user (id, practice_id, email, name, roles, created_at)
              SELECT bench_id('staff', p, k), bench_id('practice', p),
                     CASE WHEN k = 0 THEN 'admin' ELSE 'clinician' || k END || '@practice' || p || '.bench.test',
                     ${FIRST_SQL}[1 + (k * 11 + p) % ${FIRST.length}] || ' ' || ${LAST_SQL}[1 + (k * 17 + p) % ${LAST.length}],
                     CASE WHEN k = 0 THEN ARRAY['admin'] ELSE ARRAY['clinician'] END, $2::date - 700
                FROM generate_series(0, $1::int - 1) p, generate_series(0, ${P.clinicians}) k`),
    },
    {
      label: 'clients',
      rows: c.clients,
      run: q(`INSERT INTO client (practice_id, id, name, email, created_at, updated_at)
              SELECT bench_id('practice', p), bench_id('client', p, i),
                     ${FIRST_SQL}[1 + (i * 7 + p) % ${FIRST.length}] || ' ' || ${LAST_SQL}[1 + (i * 13 + p) % ${LAST.length}],
                     'client' || i || '@practice' || p || '.bench.test', $2::date - 400 + i, $2::date - 400 + i
                FROM generate_series(0, $1::int - 1) p, generate_series(0, ${P.clients - 1}) i`),
    },
    {
      label: 'couples',
      rows: c.couples,
      run: q(`INSERT INTO couple (practice_id, id, display_name, conjoint_safety, safety_set_by, safety_set_at, created_at, updated_at)
              SELECT bench_id('practice', p), bench_id('couple', p, k),
                     ${FIRST_SQL}[1 + (2 * k * 7 + p) % ${FIRST.length}] || ' & ' || ${FIRST_SQL}[1 + ((2 * k + 1) * 7 + p) % ${FIRST.length}],
                     'cleared', bench_id('staff', p, 1 + k % ${P.clinicians}), $2::date - 390, $2::date - 390, $2::date - 390
                FROM generate_series(0, $1::int - 1) p, generate_series(0, ${P.couples - 1}) k`),
    },
    {
      label: 'couple members',
      rows: c.couples * 2,
      run: q(`INSERT INTO couple_member (practice_id, id, couple_id, client_id, joined_at)
              SELECT bench_id('practice', p), bench_id('couple_member', p, k, m), bench_id('couple', p, k), bench_id('client', p, 2 * k + m), $2::date - 390
                FROM generate_series(0, $1::int - 1) p, generate_series(0, ${P.couples - 1}) k, generate_series(0, 1) m`),
    },
    {
      label: 'care teams',
      rows: c.clients + c.couples,
      run: q(`INSERT INTO care_team_member (practice_id, id, client_id, couple_id, staff_user_id, role, added_at)
              SELECT bench_id('practice', p), bench_id('care_client', p, i), bench_id('client', p, i), NULL, bench_id('staff', p, 1 + i % ${P.clinicians}), 'primary', $2::date - 390
                FROM generate_series(0, $1::int - 1) p, generate_series(0, ${P.clients - 1}) i
              UNION ALL
              SELECT bench_id('practice', p), bench_id('care_couple', p, k), NULL, bench_id('couple', p, k), bench_id('staff', p, 1 + k % ${P.clinicians}), 'primary', $2::date - 390
                FROM generate_series(0, $1::int - 1) p, generate_series(0, ${P.couples - 1}) k`),
    },
    {
      label: 'assignments',
      rows: c.occurrences / P.occurrences,
      run: (db) =>
        db.query(
          `${ASSIGNMENTS_CTE}
           INSERT INTO assignment (practice_id, id, client_id, couple_id, exercise_ref, exercise_version, exercise, instructions, recurrence,
                                   occurrence_count, sharing, assigned_by, created_at)
           SELECT bench_id('practice', p), id, client_id, couple_id,
                  CASE WHEN members = 2 THEN $3 ELSE $5 END, CASE WHEN members = 2 THEN $4::int ELSE $6::int END,
                  CASE WHEN members = 2 THEN $7::jsonb ELSE $8::jsonb END,
                  'Once a week, on your own.', 'weekly', ${P.occurrences},
                  CASE WHEN members = 2 THEN 'reveal-when-both-done' END, clinician, first_due - 5
             FROM a`,
          [practices, today, `builtin:${coupleEx.slug}`, coupleEx.version, `builtin:${clientEx.slug}`, clientEx.version, JSON.stringify(coupleEx), JSON.stringify(clientEx)],
        ),
    },
    {
      label: 'assignment members',
      rows: practices * (P.couples * P.coupleAssignments * 2 + P.homeworkClients * P.clientAssignments),
      run: q(`${ASSIGNMENTS_CTE}
              INSERT INTO assignment_member (practice_id, assignment_id, client_id)
              SELECT bench_id('practice', p), id, CASE WHEN members = 2 THEN bench_id('client', p, 2 * subject + m) ELSE client_id END
                FROM a, generate_series(0, 1) m WHERE m < members`),
    },
    {
      label: 'occurrences',
      rows: c.occurrences,
      // pending mirrors responseFor(): what is left unanswered in the newest assignment.
      run: q(`${ASSIGNMENTS_CTE}
              INSERT INTO assignment_occurrence (practice_id, assignment_id, seq, client_id, couple_id, opens_on, due_on, pending)
              SELECT bench_id('practice', p), id, seq, client_id, couple_id,
                     CASE WHEN seq = 1 THEN first_due - 5 ELSE first_due + 7 * (seq - 1) - 6 END, first_due + 7 * (seq - 1),
                     CASE WHEN j < n - 1 OR seq <= 7 THEN 0 WHEN seq = 8 THEN members - (members = 2)::int ELSE members END
                FROM a, generate_series(1, ${P.occurrences}) seq`),
    },
  ];
}

/** Days after which the bench's answers count as reviewed: the attention queue holds the last two weeks. */
export const REVIEWED_AFTER_DAYS = 14;

/** Answers and drafts of one practice, sealed like the portal seals them, inserted in one statement. */
async function seedResponses(db: pg.Pool, cipher: FieldCipher, p: number, today: string): Promise<number> {
  const practiceId = benchId('practice', p);
  const cols = { id: [] as string[], assignment: [] as string[], seq: [] as number[], client: [] as string[], couple: [] as Array<string | null>, status: [] as string[], enc: [] as Buffer[], submission: [] as Array<string | null>, at: [] as string[], reviewer: [] as string[] };
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  const add = (ex: Exercise, assignment: string, n: number, j: number, members: string[], couple: string | null, reviewer: string) => {
    for (let seq = 1; seq <= P.occurrences; seq++) {
      members.forEach((client, m) => {
        const status = responseFor(j === n - 1, seq, m, couple !== null);
        if (!status) return;
        const id = crypto.randomUUID();
        const answers = status === 'submitted' ? answersFor(ex, 3 + ((seq + j + m) % 6), seq, m) : { [ex.steps.find((s) => s.kind === 'text')!.id]: 'Started on the bus; will finish tonight.' };
        cols.id.push(id);
        cols.assignment.push(assignment);
        cols.seq.push(seq);
        cols.client.push(client);
        cols.couple.push(couple);
        cols.status.push(status);
        cols.enc.push(sealAnswers(cipher, practiceId, id, answers).ciphertext);
        cols.submission.push(status === 'submitted' ? crypto.randomUUID() : null);
        cols.at.push(new Date(todayMs + (dueIn(n, j, seq) - 1) * 86_400_000 + 19.5 * 3_600_000).toISOString());
        cols.reviewer.push(reviewer);
      });
    }
  };
  const coupleEx = exercise(COUPLE_EXERCISE);
  const clientEx = exercise(CLIENT_EXERCISE);
  for (let k = 0; k < P.couples; k++) {
    for (let j = 0; j < P.coupleAssignments; j++) {
      add(coupleEx, benchId('assignment_couple', p, k, j), P.coupleAssignments, j, [benchId('client', p, 2 * k), benchId('client', p, 2 * k + 1)], benchId('couple', p, k), benchId('staff', p, 1 + (k % P.clinicians)));
    }
  }
  for (let i = P.firstHomeworkClient; i < P.firstHomeworkClient + P.homeworkClients; i++) {
    for (let j = 0; j < P.clientAssignments; j++) add(clientEx, benchId('assignment_client', p, i, j), P.clientAssignments, j, [benchId('client', p, i)], null, benchId('staff', p, 1 + (i % P.clinicians)));
  }
  await db.query(
    // Answers older than two weeks were reviewed by the subject's clinician the day after they came in; newer ones wait in the queue.
    `INSERT INTO response (practice_id, id, assignment_id, seq, client_id, couple_id, status, key_id, answers_enc, version, submission_id, created_at, updated_at, submitted_at,
                           reviewed_at, reviewed_by)
     SELECT $1, id, assignment_id, seq, client_id, couple_id, status, $2, enc, 2, submission_id, at - interval '1 hour', at, CASE WHEN status = 'submitted' THEN at END,
            CASE WHEN status = 'submitted' AND at < $13::date - ${REVIEWED_AFTER_DAYS} THEN at + interval '1 day' END,
            CASE WHEN status = 'submitted' AND at < $13::date - ${REVIEWED_AFTER_DAYS} THEN reviewer END
       FROM unnest($3::uuid[], $4::uuid[], $5::int[], $6::uuid[], $7::uuid[], $8::text[], $9::bytea[], $10::uuid[], $11::timestamptz[], $12::uuid[])
            AS r(id, assignment_id, seq, client_id, couple_id, status, enc, submission_id, at, reviewer)`,
    [practiceId, cipher.currentKeyId, cols.id, cols.assignment, cols.seq, cols.client, cols.couple, cols.status, cols.enc, cols.submission, cols.at, cols.reviewer, today],
  );
  return cols.id.length;
}

/** A year of weekly session notes for the homework clients and the first couples: signed, but for this week's draft and, for every third subject, last week's too. */
async function seedNotes(db: pg.Pool, cipher: FieldCipher, p: number, today: string): Promise<number> {
  const practiceId = benchId('practice', p);
  const cols = { id: [] as string[], client: [] as Array<string | null>, couple: [] as Array<string | null>, author: [] as string[], date: [] as string[], kind: [] as string[], enc: [] as Buffer[], draft: [] as boolean[] };
  let subjects = 0;
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  const add = (client: string | null, couple: string | null, author: string, weeks: number) => {
    const lateSigner = subjects++ % 3 === 0;
    for (let w = 0; w < weeks; w++) {
      const id = crypto.randomUUID();
      const sections = Object.fromEntries(NOTE_TEMPLATES.SOAP.map((s) => [s.key, `Week ${weeks - w}: ${s.label.toLowerCase()} recorded in session.`]));
      cols.id.push(id);
      cols.client.push(client);
      cols.couple.push(couple);
      cols.author.push(author);
      cols.date.push(new Date(todayMs - w * 7 * 86_400_000).toISOString().slice(0, 10));
      cols.kind.push(w % 5 === 4 ? 'psychotherapy' : 'progress');
      cols.draft.push(w === 0 || (w === 1 && lateSigner));
      cols.enc.push(cipher.encrypt(JSON.stringify(sections), aadFor('session_note', practiceId, id, 'sections')).ciphertext);
    }
  };
  for (let i = P.firstHomeworkClient; i < P.firstHomeworkClient + P.homeworkClients; i++) {
    add(benchId('client', p, i), null, benchId('staff', p, 1 + (i % P.clinicians)), P.notesPerClient);
  }
  for (let k = 0; k < P.notedCouples; k++) add(null, benchId('couple', p, k), benchId('staff', p, 1 + (k % P.clinicians)), P.notesPerCouple);
  await db.query(
    `INSERT INTO session_note (practice_id, id, client_id, couple_id, author_id, session_date, format, kind, status, key_id, sections_enc, signed_at, signed_by, created_at, updated_at)
     SELECT $1, id, client_id, couple_id, author_id, session_date, 'SOAP', kind,
            CASE WHEN draft THEN 'draft' ELSE 'signed' END, $2, enc,
            CASE WHEN NOT draft THEN session_date + time '18:00' END, CASE WHEN NOT draft THEN author_id END,
            session_date + time '17:00', session_date + time '18:00'
       FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::date[], $8::text[], $9::bytea[], $10::boolean[])
            AS n(id, client_id, couple_id, author_id, session_date, kind, enc, draft)`,
    [practiceId, cipher.currentKeyId, cols.id, cols.client, cols.couple, cols.author, cols.date, cols.kind, cols.enc, cols.draft],
  );
  return cols.id.length;
}

/**
 * A year of one practice's audit trail, hash-chained exactly as the audit
 * trigger chains it (the running hash is an aggregate over the rows in seq
 * order), with the chain head left where the trigger expects it.
 */
async function seedAudit(db: pg.Pool, p: number, today: string): Promise<number> {
  const staffActions = ['client.read', 'note.read', 'response.read', 'note.created', 'assignment.created', 'note.signed'];
  const portalActions = ['response.submitted', 'response.draft_saved', 'response.read', 'portal_link.used'];
  await db.query(
    `WITH e AS (
       SELECT bench_id('practice', $1::int) AS chain_key, n::bigint AS seq, bench_id('practice', $1::int) AS practice_id,
              $2::date - 365 + n * interval '${Math.floor((365 * 86_400) / P.auditEvents)} seconds' AS occurred_at,
              CASE WHEN n % 4 = 0 THEN 'portal' ELSE 'staff' END AS actor_kind,
              CASE WHEN n % 4 = 0 THEN bench_id('client', $1::int, (n * 7) % ${P.clients}) ELSE bench_id('staff', $1::int, 1 + ((n * 7) % ${P.clients}) % ${P.clinicians}) END AS actor_id,
              CASE WHEN n % 4 = 0 THEN ${sqlArray(portalActions)}[1 + (n / 4) % ${portalActions.length}] ELSE ${sqlArray(staffActions)}[1 + n % ${staffActions.length}] END AS action,
              'client' AS record_type, bench_id('client', $1::int, (n * 7) % ${P.clients})::text AS record_id, bench_id('client', $1::int, (n * 7) % ${P.clients}) AS subject_id,
              md5(n::text) AS request_id, '10.0.0.1'::inet AS ip, '{}'::jsonb AS detail
         FROM generate_series(1, ${P.auditEvents}) n
     ), chained AS (
       SELECT e.*, bench_chain(audit_payload(ROW(e.chain_key, e.seq, e.practice_id, e.occurred_at, e.actor_kind, e.actor_id, e.action, e.record_type,
                e.record_id, e.subject_id, e.request_id, e.ip, e.detail, NULL, NULL)::audit_event)) OVER (ORDER BY e.seq) AS hash
         FROM e
     ), inserted AS (
       INSERT INTO audit_event (chain_key, seq, practice_id, occurred_at, actor_kind, actor_id, action, record_type, record_id, subject_id, request_id, ip, detail, prev_hash, hash)
       SELECT chain_key, seq, practice_id, occurred_at, actor_kind, actor_id, action, record_type, record_id, subject_id, request_id, ip, detail,
              COALESCE(lag(hash) OVER (ORDER BY seq), '\\x00'::bytea), hash
         FROM chained
       RETURNING chain_key, seq, hash
     )
     INSERT INTO audit_chain_head (chain_key, seq, hash)
     SELECT chain_key, seq, hash FROM inserted ORDER BY seq DESC LIMIT 1`,
    [p, today],
  );
  return P.auditEvents;
}

const rate = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s`;

async function timed<T>(label: string, rows: () => number, work: () => Promise<T>, log: (line: string) => void): Promise<{ label: string; rows: number; ms: number }> {
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const n = rows();
  log(`  ${label.padEnd(20)} ${n.toLocaleString('en-US').padStart(10)} rows in ${(ms / 1000).toFixed(1).padStart(6)} s  ${rate(n, ms)}`);
  return { label, rows: n, ms: Math.round(ms) };
}

/** Runs `work` for each practice, `concurrency` at a time. */
async function perPractice(practices: number, concurrency: number, work: (p: number) => Promise<number>): Promise<number> {
  let next = 0;
  let total = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < practices) {
        const rows = await work(next++);
        total += rows;
      }
    }),
  );
  return total;
}

export interface SeedReport {
  counts: SizeCounts;
  steps: Array<{ label: string; rows: number; ms: number }>;
  totalMs: number;
  rowsPerSecond: number;
}

/**
 * Seeds `practices` bench practices into an empty, migrated database.
 * Secondary indexes of the bulk tables are dropped for the load and rebuilt
 * after it; the audit trigger is replaced by the same chaining done set-wise.
 * `today` (YYYY-MM-DD, UTC) anchors every date.
 */
export async function seedBench(db: pg.Pool, practices: number, today: string, log: (line: string) => void, concurrency = 2): Promise<SeedReport> {
  const cipher = benchCipher();
  const started = performance.now();
  await db.query(BENCH_ID_SQL);
  await db.query(`CREATE OR REPLACE FUNCTION bench_chain_step(state bytea, payload bytea) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT sha256(state || payload) $$`);
  await db.query(`CREATE OR REPLACE AGGREGATE bench_chain(bytea) (SFUNC = bench_chain_step, STYPE = bytea, INITCOND = '\\x00')`);
  const indexes = (await db.query(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [BULK_TABLES],
  )) as pg.QueryResult<{ indexname: string; indexdef: string }>;
  for (const ix of indexes.rows) await db.query(`DROP INDEX ${ix.indexname}`);
  await db.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_chain`);

  const steps: SeedReport['steps'] = [];
  for (const step of setSteps(practices, today)) steps.push(await timed(step.label, () => step.rows, () => step.run(db), log));
  let responses = 0;
  steps.push(await timed('responses', () => responses, async () => (responses = await perPractice(practices, concurrency, (p) => seedResponses(db, cipher, p, today))), log));
  let notes = 0;
  steps.push(await timed('session notes', () => notes, async () => (notes = await perPractice(practices, concurrency, (p) => seedNotes(db, cipher, p, today))), log));
  let audit = 0;
  steps.push(await timed('audit events', () => audit, async () => (audit = await perPractice(practices, concurrency, (p) => seedAudit(db, p, today))), log));

  await db.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_chain`);
  const totalRows = steps.reduce((a, s) => a + s.rows, 0);
  steps.push(
    await timed('indexes', () => totalRows, async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < indexes.rows.length) await db.query(indexes.rows[next++]!.indexdef);
        }),
      );
    }, log),
  );
  steps.push(await timed('vacuum analyze', () => totalRows, () => db.query('VACUUM ANALYZE'), log));
  const totalMs = Math.round(performance.now() - started);
  return { counts: await countRows(db), steps, totalMs, rowsPerSecond: Math.round(totalRows / (totalMs / 1000)) };
}

/** What a bench database holds, counted. */
export async function countRows(db: pg.Pool): Promise<SizeCounts> {
  const { rows } = await db.query(`
    SELECT (SELECT count(*) FROM practice)::int AS practices,
           (SELECT count(*) FROM staff_user WHERE 'clinician' = ANY(roles))::int AS clinicians,
           (SELECT count(*) FROM client)::int AS clients,
           (SELECT count(*) FROM couple)::int AS couples,
           (SELECT count(*) FROM assignment_occurrence)::int AS occurrences,
           (SELECT count(*) FROM response)::int AS responses,
           (SELECT count(*) FROM session_note)::int AS notes,
           (SELECT count(*) FROM audit_event)::int AS "auditEvents"`);
  return rows[0] as SizeCounts;
}
