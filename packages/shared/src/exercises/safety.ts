import { SHARING_MODES, type Answers, type Exercise, type ExerciseStep, type SharingMode, type SharingRule } from './steps.js';

/** One answer that a clinician should look at soon, and why. */
export interface RiskSignal {
  stepId: string;
  reason: string;
}

/**
 * The risk signals in a set of answers: chosen options that carry a flag, and
 * scale answers past a step's threshold. Used by the API when a client
 * submits; never throws, whatever arrives.
 */
export function riskSignals(steps: readonly ExerciseStep[], answers: Answers | null | undefined): RiskSignal[] {
  if (!answers || typeof answers !== 'object') return [];
  const signals: RiskSignal[] = [];
  for (const step of steps) {
    const value = (answers as Record<string, unknown>)[step.id];
    if (value === undefined || value === null) continue;
    if (step.kind === 'scale' && step.risk && typeof value === 'number') {
      const { atOrBelow, atOrAbove, reason } = step.risk;
      if ((atOrBelow !== undefined && value <= atOrBelow) || (atOrAbove !== undefined && value >= atOrAbove)) signals.push({ stepId: step.id, reason });
    } else if (step.kind === 'single' || step.kind === 'multi' || step.kind === 'checklist') {
      const chosen = new Set(Array.isArray(value) ? value : [value]);
      for (const option of step.options) {
        if (option.risk && chosen.has(option.id)) signals.push({ stepId: step.id, reason: option.risk });
      }
    }
  }
  return signals;
}

const DEFAULT_SHARING: SharingRule = { allowed: [...SHARING_MODES], recommended: 'private' };

/** The sharing modes a couple exercise allows and recommends (both allowed, private recommended, unless it says otherwise). */
export const sharingRule = (exercise: Pick<Exercise, 'sharing'>): SharingRule => exercise.sharing ?? DEFAULT_SHARING;

/**
 * Why a couple may not get this exercise with this sharing mode, as a sentence
 * a clinician understands, or null when it may. Answers shared between partners
 * are never for a couple whose screening raised a concern.
 */
export function sharingRefusal(exercise: Pick<Exercise, 'sharing' | 'title'>, mode: SharingMode, conjointSafety: string): string | null {
  const rule = sharingRule(exercise);
  if (!rule.allowed.includes(mode)) {
    return `“${exercise.title}” keeps each partner’s answers private: its answers are for the care team only, because what it asks could hurt if a partner read it.`;
  }
  if (mode !== 'private' && conjointSafety === 'concern') {
    return 'This couple’s screening raised a safety concern, so partners do not see each other’s answers. Assign it with private answers instead.';
  }
  return null;
}

/** What a partner is told before the first question: whether their answers will be shared. */
export const SHARING_NOTICE: Record<SharingMode, string> = {
  private: 'Your answers go to your therapist only. Your partner will not see them.',
  'reveal-when-both-done': 'Your partner will see your answers once you have both submitted, and you will see theirs. Your therapist sees them too.',
};
