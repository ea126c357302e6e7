/** What an exercise is made of, and what an answer to it may be. */

export const STEP_KINDS = ['info', 'text', 'scale', 'single', 'multi', 'checklist'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface StepOption {
  id: string;
  label: string;
  /**
   * A risk signal: choosing this option means "a clinician should look at this
   * soon". The text says why, for the care team; the client never sees it.
   */
  risk?: string;
}

/** A scale's risk signal: an answer at or below / at or above a threshold. */
export interface ScaleRisk {
  atOrBelow?: number;
  atOrAbove?: number;
  /** Why it matters, for the care team; the client never sees it. */
  reason: string;
}

interface StepBase {
  /** Stable within the exercise (kebab-case): answers and trend charts refer to it. */
  id: string;
  /** What the client reads: the question, or the text of an info step. */
  prompt: string;
  /** Optional extra guidance shown under the prompt. */
  help?: string;
}

export interface InfoStep extends StepBase {
  kind: 'info';
}

export interface TextStep extends StepBase {
  kind: 'text';
  required: boolean;
  maxLength: number;
  placeholder?: string;
}

export interface ScaleStep extends StepBase {
  kind: 'scale';
  required: boolean;
  min: number;
  max: number;
  minLabel: string;
  maxLabel: string;
  risk?: ScaleRisk;
}

export interface SingleStep extends StepBase {
  kind: 'single';
  required: boolean;
  options: StepOption[];
}

export interface MultiStep extends StepBase {
  kind: 'multi';
  required: boolean;
  options: StepOption[];
  minSelected?: number;
  maxSelected?: number;
}

export interface ChecklistStep extends StepBase {
  kind: 'checklist';
  required: boolean;
  options: StepOption[];
}

export type ExerciseStep = InfoStep | TextStep | ScaleStep | SingleStep | MultiStep | ChecklistStep;
export type AnswerableStep = Exclude<ExerciseStep, InfoStep>;

export const SHARING_MODES = ['private', 'reveal-when-both-done'] as const;
export type SharingMode = (typeof SHARING_MODES)[number];

/** Which sharing modes a couple exercise allows, and which one it recommends. */
export interface SharingRule {
  allowed: SharingMode[];
  recommended: SharingMode;
}

export const AUDIENCES = ['individual', 'couple', 'either'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const RECURRENCES = ['once', 'daily', 'weekly'] as const;
export type Recurrence = (typeof RECURRENCES)[number];

export const THEMES = ['hurt-and-repair', 'vulnerability', 'trust', 'communication', 'self-understanding', 'conflict', 'connection'] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_LABELS: Record<Theme, string> = {
  'hurt-and-repair': 'Hurt and repair',
  vulnerability: 'Vulnerability',
  trust: 'Trust',
  communication: 'Communication',
  'self-understanding': 'Self-understanding',
  conflict: 'Conflict',
  connection: 'Connection',
};

export interface ExerciseSource {
  articleTitle: string;
  author: string;
  credential: string;
  seedFile: string;
}

export interface Exercise {
  slug: string;
  version: number;
  title: string;
  summary: string;
  theme: Theme;
  audience: Audience;
  minutes: number;
  source: ExerciseSource | null;
  safety: { requiresScreening: boolean; reason?: string };
  /** For couple work: the sharing modes allowed and the one recommended (both allowed, private recommended, when absent). */
  sharing?: SharingRule;
  /** Which schedules it suits; recurring ones carry at least one scale step, so answers make a trend. */
  recurrence: Recurrence[];
  steps: ExerciseStep[];
}

export type AnswerValue = string | number | string[];
export type Answers = Record<string, AnswerValue>;

export interface AnswerCheck {
  ok: boolean;
  /** Step id → a sentence the client understands. */
  errors: Record<string, string>;
}

export const TEXT_MAX_LENGTH_LIMIT = 10_000;

export const isAnswerable = (step: ExerciseStep): step is AnswerableStep => step.kind !== 'info';

const quote = (step: ExerciseStep) => `“${step.prompt.length > 80 ? `${step.prompt.slice(0, 77)}…` : step.prompt}”`;

const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);

function checkOne(step: AnswerableStep, value: unknown): string | null {
  const name = quote(step);
  switch (step.kind) {
    case 'text':
      if (typeof value !== 'string') return `${name} needs a written answer.`;
      if (value.length > step.maxLength) return `${name} can be at most ${step.maxLength} characters (now ${value.length}).`;
      return null;
    case 'scale':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < step.min || value > step.max) {
        return `${name} needs a whole number from ${step.min} to ${step.max}.`;
      }
      return null;
    case 'single':
      if (typeof value !== 'string' || !step.options.some((o) => o.id === value)) return `${name} needs one of the choices given.`;
      return null;
    case 'multi':
    case 'checklist': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return `${name} needs a selection from the choices given.`;
      const ids = value as string[];
      if (ids.some((id) => !step.options.some((o) => o.id === id))) return `${name} has a choice that is not one of those given.`;
      if (new Set(ids).size !== ids.length) return `${name} has the same choice twice.`;
      if (step.kind === 'multi' && step.maxSelected !== undefined && ids.length > step.maxSelected) {
        return `${name} allows at most ${step.maxSelected} choice${step.maxSelected === 1 ? '' : 's'}.`;
      }
      return null;
    }
  }
}

/**
 * The one check of a client's answers, used by the API (which decides) and by
 * the portal (as the client types). Drafts may leave required steps empty;
 * a submission may not. Never throws, whatever arrives.
 */
export function validateAnswers(steps: readonly ExerciseStep[], answers: unknown, options: { mode: 'draft' | 'submit' }): AnswerCheck {
  const errors: Record<string, string> = {};
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
    return { ok: false, errors: { answers: 'The answers could not be read. Please try again.' } };
  }
  const given = answers as Record<string, unknown>;
  const byId = new Map(steps.map((s) => [s.id, s]));
  for (const key of Object.keys(given)) {
    const step = byId.get(key);
    if (!step) errors[key] = 'This answer belongs to no step of the exercise.';
    else if (!isAnswerable(step)) errors[key] = `${quote(step)} is there to read; it takes no answer.`;
  }
  for (const step of steps) {
    if (!isAnswerable(step)) continue;
    const value = given[step.id];
    if (isBlank(value)) {
      if (options.mode === 'submit' && step.required) errors[step.id] = `${quote(step)} needs an answer before you submit.`;
      continue;
    }
    const problem = checkOne(step, value);
    if (problem) {
      errors[step.id] = problem;
      continue;
    }
    if (options.mode === 'submit' && step.kind === 'multi' && step.minSelected && (value as string[]).length < step.minSelected) {
      errors[step.id] = `${quote(step)} needs at least ${step.minSelected} choice${step.minSelected === 1 ? '' : 's'}.`;
    }
  }
  return { ok: Object.keys(errors).length === 0, errors };
}

export const scaleSteps = (exercise: Pick<Exercise, 'steps'>): ScaleStep[] => exercise.steps.filter((s): s is ScaleStep => s.kind === 'scale');
