/**
 * The shape of the bench data. Every practice looks the same; a size is a
 * number of practices, so a page read in one practice should cost the same
 * at any size, and only the tables around it grow.
 *
 * Per practice: 1 admin and 10 clinicians; 250 clients, of whom the first 100
 * form 50 couples; 9 weekly assignments of 10 occurrences per couple and 5
 * per "homework client" (clients 100–109); 52 notes per homework client and
 * 48 per couple for the first 10 couples; 25,000 audit events.
 */
export const PER_PRACTICE = {
  clinicians: 10,
  clients: 250,
  couples: 50,
  coupleAssignments: 9,
  homeworkClients: 10,
  firstHomeworkClient: 100,
  clientAssignments: 5,
  occurrences: 10,
  notesPerClient: 52,
  notedCouples: 10,
  notesPerCouple: 48,
  auditEvents: 25_000,
} as const;

/** The large size: 200 practices. The small size is a tenth. */
export const LARGE_PRACTICES = 200;

export interface SizeCounts {
  practices: number;
  clinicians: number;
  clients: number;
  couples: number;
  occurrences: number;
  responses: number;
  notes: number;
  auditEvents: number;
}

const P = PER_PRACTICE;

/**
 * What one member did with one occurrence. All but the newest assignment of
 * a subject are complete; in the newest, weeks 1–7 are done, week 8 is
 * overdue (a couple's second partner, or the individual client, has not
 * answered), week 9 is due this week with a draft from the first member, and
 * week 10 has not opened yet.
 */
export function responseFor(newest: boolean, seq: number, member: number, couple: boolean): 'submitted' | 'draft' | null {
  if (!newest || seq <= 7) return 'submitted';
  if (seq === 8) return couple && member === 0 ? 'submitted' : null;
  if (seq === 9) return member === 0 ? 'draft' : null;
  return null;
}

/** Days from today to the first due date of a subject's newest assignment: its week 9 is due in three days. */
export const NEWEST_FIRST_DUE = -53;
/** Days between the first due dates of a subject's consecutive assignments (ten weeks each). */
export const ASSIGNMENT_SPACING = 70;

/** Due date of an occurrence, in days from today (the SQL in seed.ts computes the same). */
export function dueIn(assignmentsOfSubject: number, index: number, seq: number): number {
  return NEWEST_FIRST_DUE - ASSIGNMENT_SPACING * (assignmentsOfSubject - 1 - index) + 7 * (seq - 1);
}

function responsesPerPractice(): number {
  let n = 0;
  for (let j = 0; j < P.coupleAssignments; j++) {
    for (let seq = 1; seq <= P.occurrences; seq++) {
      for (let m = 0; m < 2; m++) if (responseFor(j === P.coupleAssignments - 1, seq, m, true)) n += P.couples;
    }
  }
  for (let j = 0; j < P.clientAssignments; j++) {
    for (let seq = 1; seq <= P.occurrences; seq++) if (responseFor(j === P.clientAssignments - 1, seq, 0, false)) n += P.homeworkClients;
  }
  return n;
}

export function countsFor(practices: number): SizeCounts {
  return {
    practices,
    clinicians: practices * P.clinicians,
    clients: practices * P.clients,
    couples: practices * P.couples,
    occurrences: practices * P.occurrences * (P.couples * P.coupleAssignments + P.homeworkClients * P.clientAssignments),
    responses: practices * responsesPerPractice(),
    notes: practices * (P.homeworkClients * P.notesPerClient + P.notedCouples * P.notesPerCouple),
    auditEvents: practices * P.auditEvents,
  };
}
