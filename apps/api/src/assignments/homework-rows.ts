import type { InsertObject } from 'kysely';
import type { Db } from '../db/kysely.js';
import type { DB } from '../db/schema.js';

/**
 * New homework as rows: the assignment, the clients who do it, and its
 * occurrences. The one place Tandem (the API, the demo, tests and the bench)
 * writes `assignment` rows, so a new column is added once. Values may be SQL
 * (`sql\`current_date + 3\``) where a fixture needs dates relative to today.
 */
export interface NewHomework {
  /** The assignment row; `occurrence_count` follows from `occurrences`. */
  assignment: Omit<InsertObject<DB, 'assignment'>, 'occurrence_count' | 'exercise' | 'practice_id' | 'client_id' | 'couple_id'> & {
    practice_id: string;
    /** The client, for individual homework; else the couple. */
    client_id?: string | null;
    couple_id?: string | null;
    /** The exercise as it was assigned (its definition, frozen). */
    exercise: object;
  };
  /** Who does it: the client, or each current member of the couple. */
  members: readonly string[];
  /** Each occurrence; `pending` (members yet to submit) is every member unless said. */
  occurrences: ReadonlyArray<Pick<InsertObject<DB, 'assignment_occurrence'>, 'seq' | 'opens_on' | 'due_on'> & { pending?: number }>;
}

/** Inserts the assignment, its members and its occurrences (three statements, inside the caller's transaction when given one) and returns its id. */
export async function insertHomework(db: Db, homework: NewHomework): Promise<string> {
  const { assignment, members, occurrences } = homework;
  if (members.length === 0 || occurrences.length === 0) throw new Error('Homework needs at least one member and one occurrence.');
  const practiceId = assignment.practice_id;
  const { id } = await db
    .insertInto('assignment')
    .values({ ...assignment, exercise: JSON.stringify(assignment.exercise), occurrence_count: occurrences.length })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('assignment_member')
    .values(members.map((clientId) => ({ practice_id: practiceId, assignment_id: id, client_id: clientId })))
    .execute();
  await db
    .insertInto('assignment_occurrence')
    .values(
      occurrences.map((o) => ({
        practice_id: practiceId,
        assignment_id: id,
        seq: o.seq,
        client_id: assignment.client_id ?? null,
        couple_id: assignment.couple_id ?? null,
        opens_on: o.opens_on,
        due_on: o.due_on,
        pending: o.pending ?? members.length,
      })),
    )
    .execute();
  return id;
}
