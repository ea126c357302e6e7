import crypto from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Answers } from '@tandem/shared';
import type { Db } from '../db/kysely.js';
import type { FieldCipher } from '../encryption/field-cipher.js';
import { sealAnswers } from '../homework/answers-cipher.js';
import type { DemoPeople } from './demo-caseload.js';

/** A demo plan's subject, by the demo's own names. */
export type DemoSubject = { client: string } | { couple: string };

/** Who a demo plan is for, and who does it: the client, or the couple's current members in the order they joined. */
export async function demoSubject(db: Db, practiceId: string, people: DemoPeople, subject: DemoSubject) {
  const isCouple = 'couple' in subject;
  const subjectId = isCouple ? people.couples.get(subject.couple)! : people.clients.get(subject.client)!;
  if (!subjectId) throw new Error(`no demo subject ${JSON.stringify(subject)}`);
  const members = isCouple
    ? (
        await db
          .selectFrom('couple_member')
          .select('client_id')
          .where('practice_id', '=', practiceId)
          .where('couple_id', '=', subjectId)
          .where('left_at', 'is', null)
          .orderBy('joined_at')
          .orderBy('client_id')
          .execute()
      ).map((m) => m.client_id)
    : [subjectId];
  return { isCouple, subjectId, members, coupleId: isCouple ? subjectId : null };
}

/** The days from today that occurrence `seq` is due, for occurrences `stepDays` apart. */
export const dueInDays = (firstDueIn: number, stepDays: number, seq: number) => firstDueIn + (seq - 1) * stepDays;

/**
 * Occurrences `stepDays` apart from `firstDueIn` days from today, each open
 * from the day after the previous one is due (the first since it was
 * assigned), and pending for the members who have not answered it.
 */
export function demoOccurrences(o: { count: number; firstDueIn: number; stepDays: number; assignedDaysAgo: number; members: number; answered: (seq: number) => number }) {
  return Array.from({ length: o.count }, (_, i) => {
    const seq = i + 1;
    const dueIn = dueInDays(o.firstDueIn, o.stepDays, seq);
    const opensIn = seq === 1 ? -o.assignedDaysAgo : dueIn - o.stepDays + 1;
    return { seq, opens_on: sql<Date>`current_date + ${opensIn}::int`, due_on: sql<Date>`current_date + ${dueIn}::int`, pending: o.members - o.answered(seq) };
  });
}

/** A response as the portal would have stored it (answers sealed), submitted or left as a draft at `at`, begun `startedBefore` earlier. */
export async function insertDemoResponse(
  db: Db,
  cipher: FieldCipher,
  r: { practiceId: string; assignmentId: string; seq: number; clientId: string; coupleId: string | null; answers: Answers; submitted: boolean; at: RawBuilder<Date>; startedBefore: string },
): Promise<string> {
  const id = crypto.randomUUID();
  const sealed = sealAnswers(cipher, r.practiceId, id, r.answers);
  await db
    .insertInto('response')
    .values({
      practice_id: r.practiceId,
      id,
      assignment_id: r.assignmentId,
      seq: r.seq,
      client_id: r.clientId,
      couple_id: r.coupleId,
      status: r.submitted ? 'submitted' : 'draft',
      key_id: sealed.keyId,
      answers_enc: sealed.ciphertext,
      version: sql.lit(2),
      submission_id: r.submitted ? crypto.randomUUID() : null,
      created_at: sql<Date>`${r.at} - ${r.startedBefore}::interval`,
      updated_at: r.at,
      submitted_at: r.submitted ? r.at : null,
    })
    .execute();
  return id;
}
