import type { Audience, Exercise, ExerciseSource, Recurrence, SharingRule, Theme } from '../exercises/steps.js';

export type ExerciseOrigin = 'builtin' | 'practice';

export interface LibraryItem {
  /** `builtin:<slug>` for built-in exercises, a uuid for the practice's own. */
  id: string;
  origin: ExerciseOrigin;
  slug: string;
  version: number;
  title: string;
  summary: string;
  theme: Theme;
  audience: Audience;
  minutes: number;
  source: ExerciseSource | null;
  requiresScreening: boolean;
  screeningReason: string | null;
  recurrence: Recurrence[];
  /** For couple work: which sharing modes it allows and recommends. */
  sharing: SharingRule;
  archived: boolean;
  author: { id: string; name: string } | null;
  copiedFrom: string | null;
}

export interface ExerciseVersionInfo {
  version: number;
  createdAt: string;
  createdBy: { id: string; name: string };
}

export interface LibraryItemDetail extends LibraryItem {
  exercise: Exercise;
  versions: ExerciseVersionInfo[];
  canEdit: boolean;
}

export interface SaveExerciseRequest {
  definition: Omit<Exercise, 'version'>;
  /** For a copy: the library id it was copied from. */
  copiedFrom?: string;
}

export interface UpdateExerciseRequest {
  definition: Omit<Exercise, 'version'>;
  /** The version the edit started from; a stale one gets 409. */
  baseVersion: number;
}
