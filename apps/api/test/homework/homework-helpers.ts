import type { DataSource } from 'typeorm';

/** A date `n` days from today (practices in tests keep the default time zone, UTC). */
export const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** Moves an assignment's occurrences `days` into the past, as if it had been given earlier. */
export async function backdate(db: DataSource, assignmentId: string, days: number) {
  await db.query(
    `UPDATE assignment_occurrence SET opens_on = opens_on - $2::int, due_on = due_on - $2::int WHERE assignment_id = $1`,
    [assignmentId, days],
  );
}

/** Answers for the built-in "When we miss each other" (a couple exercise, once or weekly, ending with a 0–10 scale). */
export const missEachOtherAnswers = (understood: number, marker = 'the dishes on Sunday') => ({
  conflict: `We argued about ${marker}.`,
  need: 'To be noticed.',
  fear: 'That I do not matter.',
  defence: ['withdraw'],
  understood,
});

/** Answers for the built-in "Small acts of care (daily)" (either audience, daily or weekly, two 0–10 scales). */
export const smallActsAnswers = (connection: number, marker = 'made tea') => ({
  act: 'helped',
  detail: `I ${marker} without being asked.`,
  landed: 'warmly',
  connection,
  'cared-for': 5,
});
