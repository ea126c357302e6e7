import crypto from 'node:crypto';
import { sql } from 'kysely';
import { INSTRUMENTS, MEASURE_SLUG_PREFIX, measureExercise, scoreAnswers, type Answers, type Instrument, type MeasureId } from '@tandem/shared';
import type { SqlRunner } from '../common/sql.js';
import { insertHomework } from '../assignments/homework-rows.js';
import { kyselyOn } from '../db/kysely.js';
import type { FieldCipher } from '../encryption/field-cipher.js';
import { sealAnswers } from '../homework/answers-cipher.js';
import type { DemoPeople } from './demo-caseload.js';

interface DemoMeasure {
  subject: { client: string } | { couple: string };
  clinician: 'maya' | 'sam';
  measure: MeasureId;
  everyWeeks: number;
  /** First due date, in days from today (negative: in the past). */
  firstDueIn: number;
  occurrences: number;
  /** Per member (in member order), the total of each answered occurrence; later ones stay open. */
  totals: number[][];
}

/** A few months of measures, so the charts, bands and changes show something on first start. */
const PLAN: DemoMeasure[] = [
  { subject: { couple: 'Priya & Dan' }, clinician: 'maya', measure: 'csi-4', everyWeeks: 2, firstDueIn: -84, occurrences: 8, totals: [[9, 10, 12, 13, 15, 16, 17], [14, 13, 15, 15, 17, 17, 18]] },
  { subject: { client: 'grace' }, clinician: 'maya', measure: 'phq-9', everyWeeks: 2, firstDueIn: -80, occurrences: 7, totals: [[16, 15, 12, 11, 9, 8]] },
  { subject: { client: 'grace' }, clinician: 'maya', measure: 'gad-7', everyWeeks: 4, firstDueIn: -88, occurrences: 4, totals: [[13, 11, 9, 7]] },
  { subject: { client: 'priya' }, clinician: 'maya', measure: 'phq-9', everyWeeks: 2, firstDueIn: -56, occurrences: 5, totals: [[11, 10, 12, 9]] },
  { subject: { client: 'owen' }, clinician: 'sam', measure: 'pcl-5', everyWeeks: 4, firstDueIn: -90, occurrences: 4, totals: [[45, 41, 37, 33]] },
];

/**
 * Answers adding up to `total`, spread evenly over the items (PHQ-9's
 * question 9 stays at "Not at all": the demo raises no alerts).
 */
export function answersWithTotal(instrument: Instrument, total: number): Answers {
  const values = instrument.items.map(() => 0);
  const open = instrument.items.map((item, i) => ({ i, max: item.options[item.options.length - 1]!.value })).filter(({ i }) => !(instrument.id === 'phq-9' && i === 8));
  let left = total;
  while (left > 0) {
    const before = left;
    for (const { i, max } of open) {
      if (left > 0 && values[i]! < max) {
        values[i]! += 1;
        left -= 1;
      }
    }
    if (left === before) throw new Error(`${instrument.name} cannot add up to ${total}`);
  }
  const answers = Object.fromEntries(instrument.items.map((item, i) => [item.id, String(values[i])]));
  const scored = scoreAnswers(instrument, answers);
  if (!scored.ok || scored.total !== total) throw new Error(`demo answers for ${instrument.name} do not add up to ${total}`);
  return answers;
}

export async function seedDemoMeasures(tx: SqlRunner, practiceId: string, cipher: FieldCipher, people: DemoPeople, clinicians: { maya: string; sam: string }) {
  for (const plan of PLAN) {
    const instrument = INSTRUMENTS[plan.measure];
    const exercise = measureExercise(plan.measure);
    const isCouple = 'couple' in plan.subject;
    const subjectId = isCouple ? people.couples.get((plan.subject as { couple: string }).couple)! : people.clients.get((plan.subject as { client: string }).client)!;
    const db = kyselyOn(tx);
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
    const step = 7 * plan.everyWeeks;
    const assignedDaysAgo = -plan.firstDueIn + 3;
    const occurrences = Array.from({ length: plan.occurrences }, (_, i) => {
      const seq = i + 1;
      const dueIn = plan.firstDueIn + (seq - 1) * step;
      const opensIn = seq === 1 ? -assignedDaysAgo : dueIn - step + 1;
      const answered = members.filter((_, m) => (plan.totals[m]?.length ?? 0) >= seq).length;
      return { seq, opens_on: sql<Date>`current_date + ${opensIn}::int`, due_on: sql<Date>`current_date + ${dueIn}::int`, pending: members.length - answered };
    });
    const assignmentId = await insertHomework(db, {
      assignment: {
        practice_id: practiceId,
        client_id: isCouple ? null : subjectId,
        couple_id: isCouple ? subjectId : null,
        exercise_ref: `${MEASURE_SLUG_PREFIX}${plan.measure}`,
        exercise_version: 1,
        exercise,
        instructions: `${instrument.name} every ${plan.everyWeeks === 1 ? 'week' : `${plan.everyWeeks} weeks`}, so we can see together how things are changing.`,
        recurrence: 'weekly',
        sharing: isCouple ? 'private' : null,
        assigned_by: clinicians[plan.clinician],
        created_at: sql<Date>`now() - make_interval(days => ${assignedDaysAgo})`,
      },
      members,
      occurrences,
    });
    await db.insertInto('measure_assignment').values({ practice_id: practiceId, assignment_id: assignmentId, measure: plan.measure, every_weeks: plan.everyWeeks }).execute();
    for (let seq = 1; seq <= plan.occurrences; seq++) {
      const dueIn = plan.firstDueIn + (seq - 1) * step;
      for (const [m, member] of members.entries()) {
        const total = plan.totals[m]?.[seq - 1];
        if (total === undefined) continue;
        const id = crypto.randomUUID();
        const sealed = sealAnswers(cipher, practiceId, id, answersWithTotal(instrument, total));
        const at = sql<Date>`date_trunc('milliseconds', current_date + ${sql.lit(dueIn - 2)} + time '20:15' + ${sql.lit(`${25 * m} minutes`)}::interval)`;
        await db
          .insertInto('response')
          .values({
            practice_id: practiceId,
            id,
            assignment_id: assignmentId,
            seq,
            client_id: member,
            couple_id: isCouple ? subjectId : null,
            status: 'submitted',
            key_id: sealed.keyId,
            answers_enc: sealed.ciphertext,
            version: sql.lit(2),
            submission_id: crypto.randomUUID(),
            created_at: sql<Date>`${at} - interval '10 minutes'`,
            updated_at: at,
            submitted_at: at,
          })
          .execute();
        await db
          .insertInto('measure_score')
          .values({ practice_id: practiceId, response_id: id, assignment_id: assignmentId, seq, client_id: member, couple_id: isCouple ? subjectId : null, measure: plan.measure, total, taken_at: at })
          .execute();
      }
    }
  }
}
