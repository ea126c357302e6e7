import { sql } from 'kysely';
import { INSTRUMENTS, MEASURE_SLUG_PREFIX, measureExercise, scoreAnswers, type Answers, type Instrument, type MeasureId } from '@tandem/shared';
import type { SqlRunner } from '../common/sql.js';
import { insertHomework } from '../assignments/homework-rows.js';
import { kyselyOn } from '../db/kysely.js';
import type { FieldCipher } from '../encryption/field-cipher.js';
import type { DemoPeople } from './demo-caseload.js';
import { demoOccurrences, demoSubject, dueInDays, insertDemoResponse, type DemoSubject } from './demo-history.js';

interface DemoMeasure {
  subject: DemoSubject;
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
    const db = kyselyOn(tx);
    const { isCouple, subjectId, members, coupleId } = await demoSubject(db, practiceId, people, plan.subject);
    const step = 7 * plan.everyWeeks;
    const assignedDaysAgo = -plan.firstDueIn + 3;
    const answered = (seq: number) => members.filter((_, m) => (plan.totals[m]?.length ?? 0) >= seq).length;
    const occurrences = demoOccurrences({ count: plan.occurrences, firstDueIn: plan.firstDueIn, stepDays: step, assignedDaysAgo, members: members.length, answered });
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
      const dueIn = dueInDays(plan.firstDueIn, step, seq);
      for (const [m, member] of members.entries()) {
        const total = plan.totals[m]?.[seq - 1];
        if (total === undefined) continue;
        const at = sql<Date>`date_trunc('milliseconds', current_date + ${sql.lit(dueIn - 2)} + time '20:15' + ${sql.lit(`${25 * m} minutes`)}::interval)`;
        const id = await insertDemoResponse(db, cipher, { practiceId, assignmentId, seq, clientId: member, coupleId, answers: answersWithTotal(instrument, total), submitted: true, at, startedBefore: '10 minutes' });
        await db
          .insertInto('measure_score')
          .values({ practice_id: practiceId, response_id: id, assignment_id: assignmentId, seq, client_id: member, couple_id: coupleId, measure: plan.measure, total, taken_at: at })
          .execute();
      }
    }
  }
}
