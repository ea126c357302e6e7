import type { Exercise } from '../steps.js';
import { info } from './build.js';

/**
 * Built-ins change by new versions: the exercises in the articles' files are
 * version 1, and each revision below makes the next version of one of them.
 * Assignments keep the version they were given (they store a copy), and
 * earlier versions stay readable through the library.
 */

/** For the exercises about everyday hurts and conflicts: who should not do them, said before anything else. */
export const EVERYDAY_ONLY =
  'This exercise is for the ordinary hurts and disagreements of a close relationship. If your partner has ever hit you, threatened you or tried to control you, or if you are afraid of them, skip this exercise and tell your therapist privately instead. That is always the right choice.';

const EVERYDAY_HURTS = ['present-hurt-past-hurt', 'when-the-one-i-love-misses-me', 'repair-after-a-small-hurt', 'when-we-miss-each-other', 'conflict-as-a-doorway'];

/** Version 2 of an exercise about everyday hurts: the same steps, after a first step that says who should skip it. */
function everydayOnly(v1: Exercise): Exercise {
  return { ...v1, version: 2, steps: [info('everyday-only', EVERYDAY_ONLY), ...v1.steps] };
}

/** Every version of every built-in, oldest first per slug. */
export function withRevisions(firstVersions: Exercise[]): Exercise[] {
  const all: Exercise[] = [];
  for (const v1 of firstVersions) {
    all.push(v1);
    if (EVERYDAY_HURTS.includes(v1.slug)) all.push(everydayOnly(v1));
  }
  return all;
}
