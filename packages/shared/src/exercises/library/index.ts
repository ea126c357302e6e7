import type { Exercise, ExerciseStep } from '../steps.js';
import { BLAIR } from './blair.js';
import { EXAMPLE_ANSWERS } from './examples.js';
import { FERRARO } from './ferraro.js';
import FIRST_VERSIONS from './history/first-versions.json' with { type: 'json' };
import { MAST } from './mast.js';
import { withBuiltInSafety } from './safety-signals.js';
import { THERAPIST } from './therapist.js';
import { TRUJILLO } from './trujillo.js';

/**
 * Built-ins change by new versions. The files beside this one hold each
 * exercise's current version; history/ holds the versions before it, exactly
 * as they were published (assignments store their own copy too). Every
 * version stays readable and assignable.
 */
const CURRENT: Exercise[] = [...FERRARO, ...MAST, ...TRUJILLO, ...THERAPIST, ...BLAIR];

/** Every written question of a current built-in shows an example answer in its empty box. */
function withExamples(exercise: Exercise): Exercise {
  const withExample = (step: ExerciseStep): ExerciseStep => {
    const example = EXAMPLE_ANSWERS[`${exercise.slug}/${step.id}`];
    return step.kind === 'text' && !step.placeholder && example ? { ...step, placeholder: `For example: ${example}` } : step;
  };
  return { ...exercise, steps: exercise.steps.map(withExample) };
}

const ALL_VERSIONS: readonly Exercise[] = [...(FIRST_VERSIONS as Exercise[]), ...CURRENT.map(withExamples)].map(withBuiltInSafety);

const latest = new Map<string, Exercise>();
for (const exercise of ALL_VERSIONS) {
  if ((latest.get(exercise.slug)?.version ?? 0) < exercise.version) latest.set(exercise.slug, exercise);
}

/** The built-in library, drawn from the five articles, in reading order, each exercise at its current version. */
export const BUILT_IN_EXERCISES: readonly Exercise[] = [...latest.values()];

/** A built-in exercise: its current version, or the version asked for. */
export function findBuiltInExercise(slug: string, version?: number): Exercise | undefined {
  if (version === undefined) return latest.get(slug);
  return ALL_VERSIONS.find((e) => e.slug === slug && e.version === version);
}

/** The versions a built-in has had, newest first. */
export const builtInVersions = (slug: string): number[] =>
  ALL_VERSIONS.filter((e) => e.slug === slug)
    .map((e) => e.version)
    .sort((a, b) => b - a);
