import type { AttentionItem, AttentionKind, AttentionSubject } from '@tandem/shared';

/**
 * The attention queue is a union of sources. Each source is one small
 * indexed query that returns, newest first, at most `$5` of its items that
 * come before the cursor; the queue merges them on one sort key (the
 * source's `rank`, then `at`, then `key` in byte order) and keeps the first
 * page. Rank puts a whole source above the others whatever its times: the
 * safety alerts DESIGN.md puts at the top of the queue get a higher rank. A page then
 * costs at most (sources × caseload × page size) index entries, whatever
 * the size of the practice's history.
 *
 * Placeholders every source may use:
 * - `$1` practice id, `$2` the reader's staff id;
 * - `$3` the cursor's `at` (timestamptz; 'infinity' on the first page),
 *   `$4` the cursor's key (text);
 * - `$5` the most rows a source returns.
 * Relations every source may use: `mine(client_id, couple_id)`, the care
 * teams the reader is on now; `p(timezone, today)`, the practice's time
 * zone and today's date there.
 *
 * Columns each source returns: `kind`, `at` (timestamptz), `key` (text,
 * starting with the kind, unique in the queue), `subject_kind`,
 * `subject_id`, `subject_name`, and `data` (jsonb, what `item()` needs).
 *
 * A new source (failed deliveries for admins, emergency-access notices,
 * safety alerts) is one more entry in ATTENTION_SOURCES, with its kind in
 * `ATTENTION_KINDS` (packages/shared) and its index in a migration.
 */
export interface AttentionSource {
  kind: AttentionKind;
  /** Who the source speaks to: clinicians (their own care teams) or admins (the practice). */
  audience: 'clinician' | 'admin';
  /** Higher ranks come first; 0 for what is simply sorted by time. */
  rank: number;
  sql: string;
  item(row: SourceRow): AttentionItem;
}

export interface SourceRow {
  rank: number;
  kind: AttentionKind;
  /** `at` to the microsecond, as ISO 8601 UTC text, so that cursors lose nothing. */
  at: string;
  key: string;
  subject_kind: 'client' | 'couple';
  subject_id: string;
  subject_name: string;
  data: Record<string, unknown>;
}

/** The keyset condition "comes after the cursor, newest first" for a source's sort key. */
export const beforeCursor = (at: string, key: string) => `${at} <= $3 AND (${at} < $3 OR (${key}) COLLATE "C" < $4)`;

const subjectOf = (row: SourceRow): AttentionSubject => ({ kind: row.subject_kind, id: row.subject_id, name: row.subject_name });
const text = (row: SourceRow, field: string) => String(row.data[field]);

/*
 * Names, titles and statuses are read with correlated one-row subqueries
 * (`subjectName`, `clientName`, `exerciseTitle`, `activeClient`): each is an
 * index probe by primary key for a row that is already chosen, whatever the
 * planner believes about table sizes. Joins there let a planner without
 * fresh statistics scan a whole practice's clients once per care-team row.
 */
const subjectKind = `CASE WHEN m.client_id IS NOT NULL THEN 'client' ELSE 'couple' END`;
const subjectName = (clientId: string, coupleId: string) =>
  `COALESCE((SELECT c.name FROM client c WHERE c.practice_id = $1 AND c.id = ${clientId}),
            (SELECT c.display_name FROM couple c WHERE c.practice_id = $1 AND c.id = ${coupleId}))`;
const clientName = (clientId: string) => `(SELECT c.name FROM client c WHERE c.practice_id = $1 AND c.id = ${clientId})`;
const exerciseTitle = (assignmentId: string) => `(SELECT a.exercise->>'title' FROM assignment a WHERE a.practice_id = $1 AND a.id = ${assignmentId})`;
const activeClient = (clientId: string) => `EXISTS (SELECT 1 FROM client c WHERE c.practice_id = $1 AND c.id = ${clientId} AND c.status = 'active')`;

/** Answers a client submitted that nobody on the care team has marked reviewed (partial indexes response_unreviewed_*). */
const answersSubmitted: AttentionSource = {
  kind: 'answers-submitted',
  audience: 'clinician',
  rank: 0,
  sql: `
    SELECT 'answers-submitted' AS kind, r.submitted_at AS at, 'answers-submitted:' || r.id AS key,
           ${subjectKind} AS subject_kind, COALESCE(m.client_id, m.couple_id) AS subject_id, ${subjectName('m.client_id', 'm.couple_id')} AS subject_name,
           jsonb_build_object('responseId', r.id, 'assignmentId', r.assignment_id, 'seq', r.seq, 'clientId', r.client_id, 'clientName', ${clientName('r.client_id')},
                              'exerciseTitle', ${exerciseTitle('r.assignment_id')}) AS data
      FROM mine m
      CROSS JOIN LATERAL (
        (SELECT r.id, r.assignment_id, r.seq, r.client_id, r.submitted_at FROM response r
          WHERE m.client_id IS NOT NULL AND r.practice_id = $1 AND r.client_id = m.client_id AND r.couple_id IS NULL
            AND r.status = 'submitted' AND r.reviewed_at IS NULL AND ${beforeCursor('r.submitted_at', `'answers-submitted:' || r.id`)}
          ORDER BY r.submitted_at DESC, r.id DESC LIMIT $5)
        UNION ALL
        (SELECT r.id, r.assignment_id, r.seq, r.client_id, r.submitted_at FROM response r
          WHERE m.couple_id IS NOT NULL AND r.practice_id = $1 AND r.couple_id = m.couple_id
            AND r.status = 'submitted' AND r.reviewed_at IS NULL AND ${beforeCursor('r.submitted_at', `'answers-submitted:' || r.id`)}
          ORDER BY r.submitted_at DESC, r.id DESC LIMIT $5)) r`,
  item: (row) => ({
    kind: 'answers-submitted',
    key: row.key,
    at: row.at,
    subject: subjectOf(row),
    responseId: text(row, 'responseId'),
    assignmentId: text(row, 'assignmentId'),
    seq: Number(row.data.seq),
    exerciseTitle: text(row, 'exerciseTitle'),
    client: { id: text(row, 'clientId'), name: text(row, 'clientName') },
  }),
};

/** When an occurrence became overdue: the start of the day after its due date, in the practice's time zone. */
const overdueAt = `((o.due_on + 1)::timestamp AT TIME ZONE p.timezone)`;
const overdueKey = `'homework-overdue:' || o.assignment_id || ':' || lpad(o.seq::text, 4, '0')`;

/** Open occurrences past their due date (partial indexes occurrence_open_by_client/_couple), for active clients and couples. */
const homeworkOverdue: AttentionSource = {
  kind: 'homework-overdue',
  audience: 'clinician',
  rank: 0,
  sql: `
    SELECT 'homework-overdue' AS kind, o.at, o.key,
           ${subjectKind} AS subject_kind, COALESCE(m.client_id, m.couple_id) AS subject_id, ${subjectName('m.client_id', 'm.couple_id')} AS subject_name,
           jsonb_build_object('assignmentId', o.assignment_id, 'seq', o.seq, 'dueOn', to_char(o.due_on, 'YYYY-MM-DD'),
                              'exerciseTitle', ${exerciseTitle('o.assignment_id')}) AS data
      FROM mine m CROSS JOIN p
      CROSS JOIN LATERAL (
        (SELECT o.assignment_id, o.seq, o.due_on, ${overdueAt} AS at, ${overdueKey} AS key FROM assignment_occurrence o
          WHERE m.client_id IS NOT NULL AND ${activeClient('m.client_id')}
            AND o.practice_id = $1 AND o.client_id = m.client_id AND o.pending > 0 AND NOT o.cancelled
            AND o.due_on < p.today AND o.due_on <= ($3 AT TIME ZONE p.timezone)::date - 1 AND ${beforeCursor(overdueAt, overdueKey)}
          ORDER BY o.due_on DESC, o.assignment_id DESC, o.seq DESC LIMIT $5)
        UNION ALL
        (SELECT o.assignment_id, o.seq, o.due_on, ${overdueAt} AS at, ${overdueKey} AS key FROM assignment_occurrence o
          WHERE m.couple_id IS NOT NULL AND o.practice_id = $1 AND o.couple_id = m.couple_id AND o.pending > 0 AND NOT o.cancelled
            AND o.due_on < p.today AND o.due_on <= ($3 AT TIME ZONE p.timezone)::date - 1 AND ${beforeCursor(overdueAt, overdueKey)}
          ORDER BY o.due_on DESC, o.assignment_id DESC, o.seq DESC LIMIT $5)) o`,
  item: (row) => ({
    kind: 'homework-overdue',
    key: row.key,
    at: row.at,
    subject: subjectOf(row),
    assignmentId: text(row, 'assignmentId'),
    seq: Number(row.data.seq),
    dueOn: text(row, 'dueOn'),
    exerciseTitle: text(row, 'exerciseTitle'),
  }),
};

/** The latest assignment of the subject, or -infinity: one probe of assignment_by_client/_couple. */
const latestAssignment = `
  COALESCE(CASE WHEN m.client_id IS NOT NULL
                THEN (SELECT a.created_at FROM assignment a WHERE a.practice_id = $1 AND a.client_id = m.client_id ORDER BY a.created_at DESC LIMIT 1)
                ELSE (SELECT a.created_at FROM assignment a WHERE a.practice_id = $1 AND a.couple_id = m.couple_id ORDER BY a.created_at DESC LIMIT 1) END,
           '-infinity'::timestamptz)`;

/**
 * Active clients and couples whose latest session note (one the reader may
 * see) is newer than their latest assignment: nothing was assigned from the
 * day of that session on. One row at most per subject; the note and the
 * assignment are each one probe of an existing index.
 */
const nothingAssigned: AttentionSource = {
  kind: 'nothing-assigned',
  audience: 'clinician',
  rank: 0,
  sql: `
    SELECT 'nothing-assigned' AS kind, n.created_at AS at, 'nothing-assigned:' || n.id AS key,
           ${subjectKind} AS subject_kind, COALESCE(m.client_id, m.couple_id) AS subject_id, ${subjectName('m.client_id', 'm.couple_id')} AS subject_name,
           jsonb_build_object('noteId', n.id, 'sessionDate', to_char(n.session_date, 'YYYY-MM-DD')) AS data
      FROM mine m CROSS JOIN p
      CROSS JOIN LATERAL (
        (SELECT n.id, n.session_date, n.created_at FROM session_note n
          WHERE m.client_id IS NOT NULL AND ${activeClient('m.client_id')}
            AND n.practice_id = $1 AND n.client_id = m.client_id AND n.addendum_of IS NULL AND (n.kind = 'progress' OR n.author_id = $2)
          ORDER BY n.session_date DESC, n.created_at DESC LIMIT 1)
        UNION ALL
        (SELECT n.id, n.session_date, n.created_at FROM session_note n
          WHERE m.couple_id IS NOT NULL AND n.practice_id = $1 AND n.couple_id = m.couple_id AND n.addendum_of IS NULL AND (n.kind = 'progress' OR n.author_id = $2)
          ORDER BY n.session_date DESC, n.created_at DESC LIMIT 1)) n
     WHERE ${beforeCursor('n.created_at', `'nothing-assigned:' || n.id`)}
       AND ${latestAssignment} < (n.session_date::timestamp AT TIME ZONE p.timezone)`,
  item: (row) => ({
    kind: 'nothing-assigned',
    key: row.key,
    at: row.at,
    subject: subjectOf(row),
    noteId: text(row, 'noteId'),
    sessionDate: text(row, 'sessionDate'),
  }),
};

const draftAt = `(n.created_at + interval '24 hours')`;

/** The reader's own notes still in draft a day after they were started (partial index session_note_draft_by_author). */
const draftNote: AttentionSource = {
  kind: 'draft-note',
  audience: 'clinician',
  rank: 0,
  sql: `
    SELECT 'draft-note' AS kind, n.at, n.key,
           CASE WHEN n.client_id IS NOT NULL THEN 'client' ELSE 'couple' END AS subject_kind,
           COALESCE(n.client_id, n.couple_id) AS subject_id, ${subjectName('n.client_id', 'n.couple_id')} AS subject_name,
           jsonb_build_object('noteId', n.id, 'sessionDate', to_char(n.session_date, 'YYYY-MM-DD')) AS data
      FROM (
        SELECT n.id, n.client_id, n.couple_id, n.session_date, ${draftAt} AS at, 'draft-note:' || n.id AS key FROM session_note n
         WHERE n.practice_id = $1 AND n.author_id = $2 AND n.status = 'draft' AND n.created_at < now() - interval '24 hours'
           AND n.created_at <= $3 - interval '24 hours' AND ${beforeCursor(draftAt, `'draft-note:' || n.id`)}
           AND EXISTS (SELECT 1 FROM mine m WHERE m.client_id = n.client_id OR m.couple_id = n.couple_id)
         ORDER BY n.created_at DESC, n.id DESC LIMIT $5) n`,
  item: (row) => ({
    kind: 'draft-note',
    key: row.key,
    at: row.at,
    subject: subjectOf(row),
    noteId: text(row, 'noteId'),
    sessionDate: text(row, 'sessionDate'),
  }),
};

/**
 * Notices that someone opened a record in an emergency, addressed to the
 * reader and not yet marked seen (index emergency_access_notice_inbox). The
 * notices are written per recipient when the record is opened: to the
 * client's care team as clinicians, and to the admins as admins, so the
 * source comes in both audiences, each reading its own share.
 */
const emergencyAccess = (audience: 'clinician' | 'admin'): AttentionSource => ({
  kind: 'emergency-access',
  audience,
  rank: 1,
  sql: `
    SELECT 'emergency-access' AS kind, n.created_at AS at, 'emergency-access:' || n.id AS key, 'client' AS subject_kind,
           g.client_id AS subject_id, c.name AS subject_name,
           jsonb_build_object('noticeId', n.id, 'emergencyAccessId', g.id, 'clinicianId', u.id, 'clinicianName', u.name, 'why', n.reason,
                              'expiresAt', to_char(g.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS data
      FROM (SELECT n.id, n.emergency_access_id, n.reason, n.created_at FROM emergency_access_notice n
             WHERE n.practice_id = $1 AND n.recipient_id = $2 AND n.seen_at IS NULL AND n.reason = '${audience === 'admin' ? 'admin' : 'care_team'}'
               AND ${beforeCursor('n.created_at', `'emergency-access:' || n.id`)}
             ORDER BY n.created_at DESC, n.id DESC LIMIT $5) n
      JOIN emergency_access g ON g.practice_id = $1 AND g.id = n.emergency_access_id
      JOIN client c ON c.practice_id = $1 AND c.id = g.client_id
      JOIN staff_user u ON u.practice_id = $1 AND u.id = g.staff_user_id`,
  item: (row) => ({
    kind: 'emergency-access',
    key: row.key,
    at: row.at,
    subject: subjectOf(row),
    noticeId: text(row, 'noticeId'),
    emergencyAccessId: text(row, 'emergencyAccessId'),
    clinician: { id: text(row, 'clinicianId'), name: text(row, 'clinicianName') },
    why: text(row, 'why') === 'admin' ? 'admin' : 'care_team',
    expiresAt: text(row, 'expiresAt'),
  }),
});

/** Every source, in no particular order (the queue sorts by time). Add new ones here. */
export const ATTENTION_SOURCES: readonly AttentionSource[] = [
  answersSubmitted,
  homeworkOverdue,
  nothingAssigned,
  draftNote,
  emergencyAccess('clinician'),
  emergencyAccess('admin'),
];
