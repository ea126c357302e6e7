import crypto from 'node:crypto';
import { INSTRUMENTS, MEASURE_SLUG_PREFIX, measureExercise, scoreAnswers, type Answers, type Instrument, type MeasureId } from '@tandem/shared';
import type { SqlRunner } from '../common/sql.js';
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
    const members = isCouple
      ? ((await tx.query(`SELECT client_id FROM couple_member WHERE practice_id = $1 AND couple_id = $2 AND left_at IS NULL ORDER BY joined_at, client_id`, [practiceId, subjectId])) as Array<{ client_id: string }>).map(
          (m) => m.client_id,
        )
      : [subjectId];
    const assignmentId = crypto.randomUUID();
    const step = 7 * plan.everyWeeks;
    const assignedDaysAgo = -plan.firstDueIn + 3;
    await tx.query(
      `INSERT INTO assignment (practice_id, id, client_id, couple_id, exercise_ref, exercise_version, exercise, instructions, recurrence, occurrence_count, sharing, assigned_by, created_at)
       VALUES ($1, $2, $3, $4, $5, 1, $6, $7, 'weekly', $8, $9, $10, now() - make_interval(days => $11))`,
      [
        practiceId,
        assignmentId,
        isCouple ? null : subjectId,
        isCouple ? subjectId : null,
        `${MEASURE_SLUG_PREFIX}${plan.measure}`,
        JSON.stringify(exercise),
        `${instrument.name} every ${plan.everyWeeks === 1 ? 'week' : `${plan.everyWeeks} weeks`}, so we can see together how things are changing.`,
        plan.occurrences,
        isCouple ? 'private' : null,
        clinicians[plan.clinician],
        assignedDaysAgo,
      ],
    );
    await tx.query(`INSERT INTO measure_assignment (practice_id, assignment_id, measure, every_weeks) VALUES ($1, $2, $3, $4)`, [practiceId, assignmentId, plan.measure, plan.everyWeeks]);
    for (const member of members) {
      await tx.query(`INSERT INTO assignment_member (practice_id, assignment_id, client_id) VALUES ($1, $2, $3)`, [practiceId, assignmentId, member]);
    }
    for (let seq = 1; seq <= plan.occurrences; seq++) {
      const dueIn = plan.firstDueIn + (seq - 1) * step;
      const opensIn = seq === 1 ? -assignedDaysAgo : dueIn - step + 1;
      const answered = members.filter((_, m) => (plan.totals[m]?.length ?? 0) >= seq).length;
      await tx.query(
        `INSERT INTO assignment_occurrence (practice_id, assignment_id, seq, client_id, couple_id, opens_on, due_on, pending)
         VALUES ($1, $2, $3, $4, $5, current_date + $6::int, current_date + $7::int, $8)`,
        [practiceId, assignmentId, seq, isCouple ? null : subjectId, isCouple ? subjectId : null, opensIn, dueIn, members.length - answered],
      );
      for (const [m, member] of members.entries()) {
        const total = plan.totals[m]?.[seq - 1];
        if (total === undefined) continue;
        const id = crypto.randomUUID();
        const sealed = sealAnswers(cipher, practiceId, id, answersWithTotal(instrument, total));
        const at = `date_trunc('milliseconds', current_date + ${dueIn - 2} + time '20:15' + interval '${25 * m} minutes')`;
        await tx.query(
          `INSERT INTO response (practice_id, id, assignment_id, seq, client_id, couple_id, status, key_id, answers_enc, version, submission_id, created_at, updated_at, submitted_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'submitted', $7, $8, 2, $9, ${at} - interval '10 minutes', ${at}, ${at})`,
          [practiceId, id, assignmentId, seq, member, isCouple ? subjectId : null, sealed.keyId, sealed.ciphertext, crypto.randomUUID()],
        );
        await tx.query(
          `INSERT INTO measure_score (practice_id, response_id, assignment_id, seq, client_id, couple_id, measure, total, taken_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ${at})`,
          [practiceId, id, assignmentId, seq, member, isCouple ? subjectId : null, plan.measure, total],
        );
      }
    }
  }
}
