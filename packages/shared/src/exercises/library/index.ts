import type { Exercise } from '../steps.js';
import { BLAIR } from './blair.js';
import { FERRARO } from './ferraro.js';
import { MAST } from './mast.js';
import { withRevisions } from './revisions.js';
import { withBuiltInSafety } from './safety-signals.js';
import { THERAPIST } from './therapist.js';
import { TRUJILLO } from './trujillo.js';

/** Every version of every built-in exercise, each with its risk signals and sharing rule. */
const ALL_VERSIONS: readonly Exercise[] = withRevisions([...FERRARO, ...MAST, ...TRUJILLO, ...THERAPIST, ...BLAIR]).map(withBuiltInSafety);

const latest = new Map<string, Exercise>();
for (const exercise of ALL_VERSIONS) {
  if ((latest.get(exercise.slug)?.version ?? 0) < exercise.version) latest.set(exercise.slug, exercise);
}

/** The built-in library: twenty exercises drawn from the five articles, in reading order, each at its current version. */
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
