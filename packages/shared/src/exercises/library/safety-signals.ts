import type { Exercise, ExerciseStep, ScaleRisk, SharingRule } from '../steps.js';

/**
 * Answers in the built-in exercises that a clinician would want to know about
 * within a day. They are kept apart from the exercises' text so that they
 * apply to every version of a built-in, including ones assigned before a
 * signal was added: a safety signal is not content, and an old assignment's
 * answer deserves the same attention as a new one's.
 */
interface StepSignals {
  /** option id → why it matters, for the care team */
  options?: Record<string, string>;
  scale?: ScaleRisk;
}

const LOW_SAFETY = 'Rated feeling safe with their partner very low';

export const BUILT_IN_RISK_SIGNALS: Record<string, Record<string, StepSignals>> = {
  'the-three-percent-that-is-true': {
    'said-aloud': { options: { unsafe: 'Said it did not feel safe to speak honestly to their partner' } },
  },
  'my-familys-rules-about-feelings': {
    'anger-met': { options: { explosive: 'Described anger at home, growing up, as frightening or violent' } },
  },
  'trust-or-communication': {
    trust: { scale: { atOrBelow: 2, reason: 'Rated trust in their partner at 2 or below' } },
    'safe-to-be-vulnerable': { scale: { atOrBelow: 2, reason: LOW_SAFETY } },
  },
  'my-vulnerability-ladder': {
    rung: { options: { 'stay-present': 'Chose to practise staying present while their partner is very angry: worth planning together first' } },
  },
  'know-my-triggers': {
    strength: { scale: { atOrAbove: 10, reason: 'Rated their reactions when triggered as overwhelming' } },
  },
  'taboo-statements-baby-steps': {
    difficulty: { scale: { atOrAbove: 10, reason: 'Rated saying a hard sentence to their partner as almost impossible' } },
  },
  'present-hurt-past-hurt': {
    feelings: { options: { scared: 'Named fear among the feelings a hurt by their partner brought up' } },
  },
};

/**
 * Sharing, per built-in couple exercise: which modes it allows and which it
 * recommends. Private-only where a partner reading the answers could do harm;
 * sharing recommended where the exercise is a conversation both sides of which
 * are meant to be seen.
 */
export const BUILT_IN_SHARING: Record<string, SharingRule> = {
  'owning-a-breach-of-trust': { allowed: ['private'], recommended: 'private' },
  'the-three-percent-that-is-true': { allowed: ['private'], recommended: 'private' },
  'taboo-statements-baby-steps': { allowed: ['private'], recommended: 'private' },
  'repair-after-a-small-hurt': { allowed: ['private', 'reveal-when-both-done'], recommended: 'reveal-when-both-done' },
  'when-we-miss-each-other': { allowed: ['private', 'reveal-when-both-done'], recommended: 'reveal-when-both-done' },
  'share-and-reflect': { allowed: ['private', 'reveal-when-both-done'], recommended: 'reveal-when-both-done' },
};

function withSignals(step: ExerciseStep, signals: StepSignals | undefined): ExerciseStep {
  if (!signals) return step;
  if (step.kind === 'scale' && signals.scale) return { ...step, risk: signals.scale };
  if ((step.kind === 'single' || step.kind === 'multi' || step.kind === 'checklist') && signals.options) {
    return { ...step, options: step.options.map((o) => (signals.options![o.id] ? { ...o, risk: signals.options![o.id] } : o)) };
  }
  return step;
}

/** A built-in exercise (any version) with its risk signals and sharing rule applied; other exercises unchanged. */
export function withBuiltInSafety<E extends Exercise>(exercise: E): E {
  const signals = BUILT_IN_RISK_SIGNALS[exercise.slug];
  const sharing = BUILT_IN_SHARING[exercise.slug];
  if (!signals && !sharing) return exercise;
  return {
    ...exercise,
    ...(sharing ? { sharing } : {}),
    steps: signals ? exercise.steps.map((s) => withSignals(s, signals[s.id])) : exercise.steps,
  };
}
