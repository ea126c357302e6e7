import type { ChecklistStep, ExerciseSource, InfoStep, MultiStep, ScaleStep, SingleStep, StepOption, TextStep } from '../steps.js';

/** Small constructors that keep the library readable. */
const opts = (pairs: Array<[string, string]>): StepOption[] => pairs.map(([id, label]) => ({ id, label }));

export const info = (id: string, prompt: string): InfoStep => ({ id, kind: 'info', prompt });

export const text = (id: string, prompt: string, o: { required?: boolean; maxLength?: number; help?: string; placeholder?: string } = {}): TextStep => ({
  id,
  kind: 'text',
  prompt,
  required: o.required ?? true,
  maxLength: o.maxLength ?? 2000,
  ...(o.help ? { help: o.help } : {}),
  ...(o.placeholder ? { placeholder: o.placeholder } : {}),
});

export const scale = (id: string, prompt: string, [min, max]: [number, number], [minLabel, maxLabel]: [string, string], required = true): ScaleStep => ({
  id,
  kind: 'scale',
  prompt,
  required,
  min,
  max,
  minLabel,
  maxLabel,
});

export const single = (id: string, prompt: string, options: Array<[string, string]>, required = true): SingleStep => ({
  id,
  kind: 'single',
  prompt,
  required,
  options: opts(options),
});

export const multi = (id: string, prompt: string, options: Array<[string, string]>, o: { required?: boolean; min?: number; max?: number } = {}): MultiStep => ({
  id,
  kind: 'multi',
  prompt,
  required: o.required ?? true,
  options: opts(options),
  ...(o.min !== undefined ? { minSelected: o.min } : {}),
  ...(o.max !== undefined ? { maxSelected: o.max } : {}),
});

export const checklist = (id: string, prompt: string, options: Array<[string, string]>, required = false): ChecklistStep => ({
  id,
  kind: 'checklist',
  prompt,
  required,
  options: opts(options),
});

export const SOURCES = {
  ferraro: {
    articleTitle: 'When the one who loves you the most also hurts you the most',
    author: 'Josephine Ferraro',
    credential: 'LCSW',
    seedFile: '000_8becaf319aafccf0.txt',
  },
  mast: {
    articleTitle: 'Your Need to Be Emotionally Intimate with Your Partner—And Your Need Not to Be',
    author: 'Jeremy Mast',
    credential: 'LMFT',
    seedFile: '001_ef1f35c94508d069.txt',
  },
  trujillo: { articleTitle: 'Emotional Intimacy', author: 'Vanessa Trujillo', credential: 'LCSW', seedFile: '002_a5d305b240ae0bb3.txt' },
  therapist: {
    articleTitle: 'What Is Emotional Intimacy?',
    author: 'A couples and sex therapist (not named in the article)',
    credential: '',
    seedFile: '003_e4937323ac8fe6f9.txt',
  },
  blair: {
    articleTitle: "You Can't Get There From Here: Pathways to Emotional Intimacy in Relationship",
    author: 'Lisa Blair',
    credential: 'M.A.',
    seedFile: '004_7defc1aa471f4be3.txt',
  },
} satisfies Record<string, ExerciseSource>;

/** A 0–10 scale, the most common shape in the library. */
export const zeroToTen = (id: string, prompt: string, low: string, high: string, required = true) => scale(id, prompt, [0, 10], [low, high], required);

/** The last step of every built-in: what the client wants to bring to their next session (shown beside the clinician's next note). */
export const bringToSession = () =>
  text('bring-to-session', 'What do you want to bring to your next session?', {
    required: false,
    maxLength: 1000,
    placeholder: 'For example: I want to talk about why Sunday evenings are so tense.',
  });

/** For the exercises about everyday hurts and conflicts: who should not do them, said before anything else. */
export const EVERYDAY_ONLY =
  'This exercise is for the ordinary hurts and disagreements of a close relationship. If your partner has ever hit you, threatened you or tried to control you, or if you are afraid of them, skip this exercise and tell your therapist privately instead. That is always the right choice.';

export const everydayOnly = () => info('everyday-only', EVERYDAY_ONLY);
