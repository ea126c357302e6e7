import type { Exercise, ExerciseStep } from '../exercises/steps.js';
import { INSTRUMENTS, isMeasureId, type Instrument, type MeasureId } from './instruments.js';

/**
 * A measure given as homework is stored on its assignment as an exercise, so
 * that occurrences, reminders, drafts, submission and the care team's
 * homework views work for it unchanged. Its slug carries a colon, which no
 * library exercise's slug may (slugs are kebab-case), so a measure cannot be
 * mistaken for an exercise or the other way round.
 */
export const MEASURE_SLUG_PREFIX = 'measure:';
export const MEASURE_INSTRUCTIONS_STEP = 'instructions';

export function measureExercise(id: MeasureId): Exercise {
  const m = INSTRUMENTS[id];
  const steps: ExerciseStep[] = [];
  if (m.stem) steps.push({ id: MEASURE_INSTRUCTIONS_STEP, kind: 'info', prompt: m.stem });
  for (const item of m.items) {
    steps.push({ id: item.id, kind: 'single', required: true, prompt: item.text, options: item.options.map((o) => ({ id: String(o.value), label: o.label })) });
  }
  for (const item of m.unscored) {
    steps.push({ id: item.id, kind: 'single', required: false, prompt: item.text, options: item.options.map((o) => ({ id: String(o.value), label: o.label })) });
  }
  return {
    slug: `${MEASURE_SLUG_PREFIX}${id}`,
    version: 1,
    title: m.title,
    summary: `A standard questionnaire your therapist uses to follow how things change (${m.items.length} questions, about ${m.minutes} minute${m.minutes === 1 ? '' : 's'}).`,
    theme: m.id === 'csi-4' ? 'connection' : 'self-understanding',
    audience: m.audience,
    minutes: m.minutes,
    source: null,
    safety: { requiresScreening: false },
    // Each person's answers and score are for the care team only: a partner never sees them.
    sharing: { allowed: ['private'], recommended: 'private' },
    recurrence: ['once', 'weekly'],
    steps,
  };
}

/** The measure an assignment's stored exercise is, or null for an ordinary exercise. */
export function measureOfExercise(exercise: Pick<Exercise, 'slug'> | null | undefined): Instrument | null {
  const slug = exercise?.slug;
  if (typeof slug !== 'string' || !slug.startsWith(MEASURE_SLUG_PREFIX)) return null;
  const id = slug.slice(MEASURE_SLUG_PREFIX.length);
  return isMeasureId(id) ? INSTRUMENTS[id] : null;
}
