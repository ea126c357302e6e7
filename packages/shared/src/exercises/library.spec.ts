import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BUILT_IN_EXERCISES, EXERCISE_SOURCES, scaleSteps, validateExerciseDefinition } from './index.js';

/** The five articles, as ../shared/EXERCISES.md lists them. */
const ARTICLES: Record<string, { title: string; author: RegExp }> = {
  '000_8becaf319aafccf0.txt': { title: 'When the one who loves you the most also hurts you the most', author: /Josephine Ferraro/ },
  '001_ef1f35c94508d069.txt': { title: 'Your Need to Be Emotionally Intimate with Your Partner—And Your Need Not to Be', author: /Jeremy Mast/ },
  '002_a5d305b240ae0bb3.txt': { title: 'Emotional Intimacy', author: /Vanessa Trujillo/ },
  '003_e4937323ac8fe6f9.txt': { title: 'What Is Emotional Intimacy?', author: /couples and sex therapist/ },
  '004_7defc1aa471f4be3.txt': { title: "You Can't Get There From Here: Pathways to Emotional Intimacy in Relationship", author: /Lisa Blair/ },
};

const GATED = ['owning-a-breach-of-trust', 'the-three-percent-that-is-true', 'taboo-statements-baby-steps'];

describe('the built-in library', () => {
  it('holds the twenty exercises, each with a unique slug', () => {
    expect(BUILT_IN_EXERCISES).toHaveLength(20);
    expect(new Set(BUILT_IN_EXERCISES.map((e) => e.slug)).size).toBe(20);
  });

  it.each(BUILT_IN_EXERCISES.map((e) => [e.slug, e] as const))('%s is a sound exercise', (_slug, exercise) => {
    expect(validateExerciseDefinition(exercise)).toEqual({});
    expect(exercise.steps[0]!.kind).toBe('info');
    expect(exercise.steps.filter((s) => s.kind !== 'info').length).toBeGreaterThanOrEqual(3);
    expect(new Set(exercise.steps.map((s) => s.kind)).size).toBeGreaterThanOrEqual(3);
    expect(exercise.minutes).toBeGreaterThanOrEqual(5);
  });

  it('names one of the five articles as the source of each exercise, with its author', () => {
    for (const exercise of BUILT_IN_EXERCISES) {
      const article = ARTICLES[exercise.source!.seedFile];
      expect({ slug: exercise.slug, known: Boolean(article) }).toEqual({ slug: exercise.slug, known: true });
      expect(exercise.source!.articleTitle).toBe(article!.title);
      expect(exercise.source!.author).toMatch(article!.author);
    }
    expect(new Set(BUILT_IN_EXERCISES.map((e) => e.source!.seedFile)).size).toBe(5);
    expect(Object.keys(EXERCISE_SOURCES)).toHaveLength(5);
  });

  it('flags exactly the three exercises that need conjoint-safety screening, each with a reason', () => {
    const gated = BUILT_IN_EXERCISES.filter((e) => e.safety.requiresScreening);
    expect(gated.map((e) => e.slug).sort()).toEqual([...GATED].sort());
    for (const e of gated) {
      expect(e.audience).toBe('couple');
      expect(e.safety.reason!.length).toBeGreaterThan(40);
    }
  });

  it('gives every exercise that suits daily or weekly use a scale step, so answers make a trend', () => {
    const recurring = BUILT_IN_EXERCISES.filter((e) => e.recurrence.some((r) => r !== 'once'));
    expect(recurring.map((e) => e.slug)).toEqual(expect.arrayContaining(['small-acts-of-care', 'share-and-reflect', 'small-victories']));
    for (const e of recurring) expect(scaleSteps(e).length).toBeGreaterThanOrEqual(1);
    expect(BUILT_IN_EXERCISES.find((e) => e.slug === 'small-acts-of-care')!.recurrence).toContain('daily');
  });

  it('follows the vulnerability ladder of the article: one fear scale per act, a rung to choose, a plan and a report', () => {
    const ladder = BUILT_IN_EXERCISES.find((e) => e.slug === 'my-vulnerability-ladder')!;
    const fears = ladder.steps.filter((s) => s.kind === 'scale' && s.id.startsWith('fear-'));
    expect(fears).toHaveLength(5);
    const rung = ladder.steps.find((s) => s.id === 'rung');
    expect(rung).toMatchObject({ kind: 'single' });
    expect(ladder.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['plan', 'what-happened', 'how-it-felt']));
  });
});

describe('validateExerciseDefinition', () => {
  const sound = BUILT_IN_EXERCISES[0]!;

  it('names each problem of a broken definition', () => {
    const problems = validateExerciseDefinition({
      ...sound,
      title: '',
      slug: 'Not A Slug',
      recurrence: ['daily'],
      steps: [
        { id: 'a', kind: 'info', prompt: 'Hello' },
        { id: 'a', kind: 'scale', prompt: 'Rate', required: true, min: 5, max: 1, minLabel: 'low', maxLabel: 'high' },
        { id: 'b', kind: 'single', prompt: 'Pick', required: true, options: [{ id: 'x', label: 'X' }] },
        { id: 'c', kind: 'text', prompt: 'Write', required: true, maxLength: 0 },
      ],
    });
    expect(Object.keys(problems).sort()).toEqual(['slug', 'steps.1.id', 'steps.1.range', 'steps.2.options', 'steps.3.maxLength', 'title'].sort());
  });

  it('refuses two choices of one step that read the same, naming the later one', () => {
    const problems = validateExerciseDefinition({
      ...sound,
      recurrence: ['once'],
      steps: [{ id: 'who', kind: 'single', prompt: 'Who starts?', required: true, options: [{ id: 'me', label: 'Me' }, { id: 'you', label: 'You' }, { id: 'me-too', label: ' me ' }] }],
    });
    expect(problems).toEqual({ 'steps.0.options.2.label': 'is the same as choice 1' });
  });

  it('asks recurring exercises for a scale step, and every exercise for an answerable one', () => {
    expect(validateExerciseDefinition({ ...sound, recurrence: ['weekly'], steps: [{ id: 'a', kind: 'text', prompt: 'Write', required: true, maxLength: 10 }] }).recurrence).toMatch(/scale/);
    expect(validateExerciseDefinition({ ...sound, steps: [{ id: 'a', kind: 'info', prompt: 'Read' }] }).steps).toMatch(/answers/);
  });

  it('never throws, whatever arrives', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        expect(typeof validateExerciseDefinition(junk)).toBe('object');
        expect(typeof validateExerciseDefinition({ ...sound, steps: [junk] })).toBe('object');
      }),
    );
  });
});
