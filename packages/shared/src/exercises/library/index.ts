import type { Exercise } from '../steps.js';
import { BLAIR } from './blair.js';
import { FERRARO } from './ferraro.js';
import { MAST } from './mast.js';
import { THERAPIST } from './therapist.js';
import { TRUJILLO } from './trujillo.js';
import { withBuiltInSafety } from './safety-signals.js';

/** The built-in library: twenty exercises drawn from the five articles, in reading order. */
export const BUILT_IN_EXERCISES: readonly Exercise[] = [...FERRARO, ...MAST, ...TRUJILLO, ...THERAPIST, ...BLAIR].map(withBuiltInSafety);

export function findBuiltInExercise(slug: string): Exercise | undefined {
  return BUILT_IN_EXERCISES.find((e) => e.slug === slug);
}
