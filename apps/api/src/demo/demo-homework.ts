import { findBuiltInExercise, validateAnswers, type Answers, type Exercise, type Recurrence, type SharingMode } from '@tandem/shared';
import { sql } from 'kysely';
import type { SqlRunner } from '../common/sql.js';
import { kyselyOn } from '../db/kysely.js';
import { insertHomework } from '../assignments/homework-rows.js';
import type { FieldCipher } from '../encryption/field-cipher.js';
import type { DemoPeople } from './demo-caseload.js';
import { demoOccurrences, demoSubject, dueInDays, insertDemoResponse, type DemoSubject } from './demo-history.js';

/** Something a client might write, per kind of question; varied by week so the review reads like real homework. */
const WRITTEN = [
  'Sunday evening, when plans for the holidays turned into who gives more.',
  'I wanted to hear that my tiredness counted too.',
  'That I would be left to carry it alone again.',
  'Making coffee before they woke up, and asking how the interview went.',
  'We talked for ten minutes after dinner without phones. It felt easier than last week.',
  'I noticed I went quiet instead of saying I was hurt.',
];

interface DemoAssignment {
  subject: DemoSubject;
  clinician: 'maya' | 'sam';
  exercise: string;
  instructions: string;
  recurrence: Recurrence;
  sharing?: SharingMode;
  /** Due date of the first occurrence, in days from today (negative: in the past). */
  firstDueIn: number;
  occurrences: number;
  /** Per member (in member order), the value of every scale step for each submitted occurrence; a shorter list leaves later ones open. */
  scales: number[][];
  /** Occurrence numbers (1-based) where a member (by index) has only a draft. */
  drafts?: Array<[member: number, seq: number]>;
}

const PLAN: DemoAssignment[] = [
  {
    subject: { couple: 'Priya & Dan' },
    clinician: 'maya',
    exercise: 'when-we-miss-each-other',
    instructions: 'Each week, pick one moment where you missed each other. Answer on your own; you will see each other’s answers once you have both submitted.',
    recurrence: 'weekly',
    sharing: 'reveal-when-both-done',
    firstDueIn: -28,
    occurrences: 6,
    scales: [
      [3, 4, 4, 6, 7],
      [5, 5, 6, 6],
    ],
    drafts: [[1, 5]],
  },
  {
    subject: { couple: 'Hannah, Leo & Ruth' },
    clinician: 'sam',
    exercise: 'share-and-reflect',
    instructions: 'One of you shares, the others reflect back. Rotate who shares each week.',
    recurrence: 'weekly',
    sharing: 'private',
    firstDueIn: -14,
    occurrences: 4,
    scales: [[5, 6], [4, 6], [6]],
  },
  {
    subject: { client: 'grace' },
    clinician: 'maya',
    exercise: 'small-acts-of-care',
    instructions: 'A small act each week, and a note of how it landed. Keep it light.',
    recurrence: 'weekly',
    firstDueIn: -21,
    occurrences: 6,
    scales: [[3, 5, 6]],
  },
  {
    subject: { client: 'owen' },
    clinician: 'sam',
    exercise: 'know-my-triggers',
    instructions: 'Before our next session: the last time you felt flooded, what set it off?',
    recurrence: 'once',
    firstDueIn: 4,
    occurrences: 1,
    scales: [[]],
  },
  {
    subject: { client: 'priya' },
    clinician: 'maya',
    exercise: 'my-vulnerability-ladder',
    instructions: 'Rate each rung honestly; we will pick the first step together.',
    recurrence: 'once',
    firstDueIn: -3,
    occurrences: 1,
    scales: [[]],
  },
];

/** Valid answers for every step, with the given value on each scale step; partners' written answers differ. */
export function answersFor(exercise: Exercise, scaleValue: number, week: number, member: number): Answers {
  const answers: Answers = {};
  exercise.steps.forEach((step, i) => {
    switch (step.kind) {
      case 'text':
        answers[step.id] = WRITTEN[(i + week + member * 3) % WRITTEN.length]!.slice(0, step.maxLength);
        break;
      case 'scale':
        answers[step.id] = Math.max(step.min, Math.min(step.max, scaleValue + (i % 2)));
        break;
      case 'single':
        answers[step.id] = step.options[(week + i + member) % step.options.length]!.id;
        break;
      case 'multi':
      case 'checklist':
        answers[step.id] = step.options.slice(0, Math.max(1, Math.min(2, step.kind === 'multi' ? (step.maxSelected ?? 2) : 2))).map((o) => o.id);
        break;
    }
  });
  const check = validateAnswers(exercise.steps, answers, { mode: 'submit' });
  if (!check.ok) throw new Error(`demo answers for ${exercise.slug} do not validate: ${JSON.stringify(check.errors)}`);
  return answers;
}

/**
 * A few weeks of homework history for the demo practice, so the timeline,
 * the caseload counts and the trend charts show something real on first start.
 */
export async function seedDemoHomework(tx: SqlRunner, practiceId: string, cipher: FieldCipher, people: DemoPeople, clinicians: { maya: string; sam: string }) {
  for (const plan of PLAN) {
    const exercise = findBuiltInExercise(plan.exercise);
    if (!exercise) throw new Error(`no built-in exercise ${plan.exercise}`);
    const db = kyselyOn(tx);
    const { isCouple, subjectId, members, coupleId } = await demoSubject(db, practiceId, people, plan.subject);
    const step = plan.recurrence === 'daily' ? 1 : 7;
    const assignedDaysAgo = Math.max(0, -plan.firstDueIn + 5);
    const answered = (seq: number) => members.filter((_, m) => (plan.scales[m]?.length ?? 0) >= seq).length;
    const occurrences = demoOccurrences({ count: plan.occurrences, firstDueIn: plan.firstDueIn, stepDays: step, assignedDaysAgo, members: members.length, answered });
    const assignmentId = await insertHomework(db, {
      assignment: {
        practice_id: practiceId,
        client_id: isCouple ? null : subjectId,
        couple_id: isCouple ? subjectId : null,
        exercise_ref: `builtin:${exercise.slug}`,
        exercise_version: exercise.version,
        exercise,
        instructions: plan.instructions,
        recurrence: plan.recurrence,
        sharing: isCouple ? (plan.sharing ?? 'private') : null,
        assigned_by: clinicians[plan.clinician],
        created_at: sql<Date>`now() - make_interval(days => ${assignedDaysAgo})`,
      },
      members,
      occurrences,
    });
    for (let seq = 1; seq <= plan.occurrences; seq++) {
      const dueIn = dueInDays(plan.firstDueIn, step, seq);
      for (const [m, member] of members.entries()) {
        const value = plan.scales[m]?.[seq - 1];
        const draft = plan.drafts?.some(([who, s]) => who === m && s === seq);
        if (value === undefined && !draft) continue;
        const answers = value === undefined ? { [exercise.steps.find((s) => s.kind === 'text')!.id]: 'Started on the bus; will finish tonight.' } : answersFor(exercise, value, seq, m);
        const at = sql<Date>`current_date + ${sql.lit(dueIn - 1)} + time '19:30'`;
        await insertDemoResponse(db, cipher, { practiceId, assignmentId, seq, clientId: member, coupleId, answers, submitted: value !== undefined, at, startedBefore: '1 hour' });
      }
    }
  }
}
