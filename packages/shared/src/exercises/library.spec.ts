import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  BUILT_IN_EXERCISES,
  BUILT_IN_RISK_SIGNALS,
  BUILT_IN_SHARING,
  builtInVersions,
  EVERYDAY_ONLY,
  EXERCISE_SOURCES,
  findBuiltInExercise,
  riskSignals,
  scaleSteps,
  sharingRefusal,
  validateExerciseDefinition,
} from './index.js';

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
  it('holds the twenty exercises of the design and three more, each with a unique slug', () => {
    expect(BUILT_IN_EXERCISES).toHaveLength(23);
    expect(new Set(BUILT_IN_EXERCISES.map((e) => e.slug)).size).toBe(23);
    expect(BUILT_IN_EXERCISES.slice(-3).map((e) => e.slug).sort()).toEqual(['accepting-what-my-partner-will-not-give', 'ask-dont-guess', 'noticing-what-my-partner-gives'].sort());
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

  it('follows the vulnerability ladder of the article: last week’s report first, then a fear scale per act, rungs of one’s own, a rung to choose and a plan', () => {
    const ladder = BUILT_IN_EXERCISES.find((e) => e.slug === 'my-vulnerability-ladder')!;
    const ids = ladder.steps.map((s) => s.id);
    expect(ids.indexOf('tried-last-week')).toBeLessThan(ids.indexOf('fear-stay-present'));
    const fears = ladder.steps.filter((s) => s.kind === 'scale' && s.id.startsWith('fear-'));
    expect(fears).toHaveLength(7);
    expect(fears.every((s) => s.kind === 'scale' && !s.required)).toBe(true);
    const rung = ladder.steps.find((s) => s.id === 'rung');
    expect(rung).toMatchObject({ kind: 'single' });
    const labels = (rung as { options: Array<{ id: string; label: string }> }).options;
    expect(labels.filter((o) => /plan this with your therapist first/.test(o.label)).map((o) => o.id).sort()).toEqual(['stay-present', 'tell-secret']);
    expect(ids).toEqual(expect.arrayContaining(['rung-own-1', 'rung-own-2', 'plan', 'last-week-how', 'how-it-felt']));
  });
});

describe('the library, version 2', () => {
  const current = (slug: string) => findBuiltInExercise(slug)!;
  const step = (slug: string, id: string) => current(slug).steps.find((s) => s.id === id)!;

  it('keeps every first version as published, readable and assignable', () => {
    for (const exercise of BUILT_IN_EXERCISES.slice(0, 20)) {
      expect({ slug: exercise.slug, versions: builtInVersions(exercise.slug) }).toEqual({ slug: exercise.slug, versions: [2, 1] });
      expect(validateExerciseDefinition(findBuiltInExercise(exercise.slug, 1))).toEqual({});
      expect(findBuiltInExercise(exercise.slug, 1)!.steps.some((s) => s.id === 'bring-to-session')).toBe(false);
    }
  });

  it('ends every exercise with what to bring to the next session, and gives every written question an example answer', () => {
    for (const exercise of BUILT_IN_EXERCISES) {
      expect({ slug: exercise.slug, last: exercise.steps.at(-1)!.id }).toEqual({ slug: exercise.slug, last: 'bring-to-session' });
      for (const s of exercise.steps) {
        if (s.kind === 'text') expect({ slug: exercise.slug, step: s.id, example: /^For example: \S/.test(s.placeholder ?? '') }).toEqual({ slug: exercise.slug, step: s.id, example: true });
      }
    }
  });

  it('lets several answers be chosen where several can be true', () => {
    for (const [slug, id] of [['when-we-miss-each-other', 'defence'], ['my-familys-rules-about-feelings', 'anger-met'], ['know-my-triggers', 'response']]) {
      expect(step(slug!, id!).kind).toBe('multi');
    }
  });

  it('offers “didn’t manage it this time”, and makes the ratings after it optional', () => {
    expect(step('small-acts-of-care', 'act')).toMatchObject({ options: expect.arrayContaining([{ id: 'not-this-time', label: 'I didn’t manage it this time' }]) });
    expect(step('small-acts-of-care', 'act').prompt).toMatch(/since your last entry/i);
    expect(step('small-victories', 'had-one')).toMatchObject({ options: expect.arrayContaining([expect.objectContaining({ id: 'not-this-time' })]) });
    for (const [slug, id] of [['small-acts-of-care', 'connection'], ['small-acts-of-care', 'cared-for'], ['small-victories', 'felt'], ['asking-clearly-and-calmly', 'calm'], ['asking-clearly-and-calmly', 'heard']]) {
      expect({ slug, id, required: (step(slug!, id!) as { required: boolean }).required }).toEqual({ slug, id, required: false });
    }
  });

  it('splits owning a breach of trust into two parts, each asking for no details', () => {
    const breach = current('owning-a-breach-of-trust');
    for (const id of ['owning-intro', 'acknowledged-intro']) expect(breach.steps.find((s) => s.id === id)!.prompt).toMatch(/Don’t write details/);
    expect(breach.steps.find((s) => s.id === 'owning-intro')!.prompt).toMatch(/^Owning what I did/);
    expect(breach.steps.find((s) => s.id === 'acknowledged-intro')!.prompt).toMatch(/^What I need acknowledged/);
  });

  it('charts the inner critic’s grip from −5 to +5 with 0 as the same, under ground rules', () => {
    expect(step('playing-the-inner-critic', 'grip')).toMatchObject({ kind: 'scale', min: -5, max: 5 });
    expect(step('playing-the-inner-critic', 'ground-rules').prompt).toMatch(/your own inner characters.*three minutes.*mockery/s);
  });

  it('adds the missing feelings, and scripts where the article’s idea is a conversation', () => {
    expect((step('present-hurt-past-hurt', 'feelings') as { options: Array<{ id: string }> }).options.map((o) => o.id)).toEqual(expect.arrayContaining(['sad', 'misunderstood', 'other']));
    expect(step('repair-after-a-small-hurt', 'apology-script').prompt).toMatch(/three parts/);
    expect(step('share-and-reflect', 'listening-rules').prompt).toMatch(/outside your relationship.*no unloading/s);
    expect(step('taboo-statements-baby-steps', 'listener').prompt).toMatch(/without interrupting/);
  });

  it('traces the three new exercises to their articles', () => {
    expect(current('accepting-what-my-partner-will-not-give').source!.author).toBe('Vanessa Trujillo');
    expect(current('noticing-what-my-partner-gives').source!.author).toBe('Vanessa Trujillo');
    expect(current('ask-dont-guess').source!.author).toBe('Lisa Blair');
  });
});

describe('safety in the built-in library', () => {
  const EVERYDAY = ['present-hurt-past-hurt', 'when-the-one-i-love-misses-me', 'repair-after-a-small-hurt', 'when-we-miss-each-other', 'conflict-as-a-doorway'];

  it('the exercises about everyday hurts say first who should skip them; their first versions did not', () => {
    for (const slug of EVERYDAY) {
      const current = findBuiltInExercise(slug)!;
      expect({ slug, version: current.version, first: current.steps[0] }).toEqual({ slug, version: 2, first: { id: 'everyday-only', kind: 'info', prompt: EVERYDAY_ONLY } });
      expect(findBuiltInExercise(slug, 1)!.steps.some((s) => s.id === 'everyday-only')).toBe(false);
    }
    expect(BUILT_IN_EXERCISES.filter((e) => e.steps[0]!.id === 'everyday-only').map((e) => e.slug).sort()).toEqual([...EVERYDAY].sort());
    expect(EVERYDAY_ONLY).toMatch(/hit you, threatened you or tried to control you, or if you are afraid of them, skip this exercise and tell your therapist privately/);
    expect(findBuiltInExercise('small-victories', 3)).toBeUndefined();
  });

  it('every risk signal names a real step and choice of its exercise, and every version carries it', () => {
    for (const [slug, steps] of Object.entries(BUILT_IN_RISK_SIGNALS)) {
      for (const version of builtInVersions(slug)) {
        const exercise = findBuiltInExercise(slug, version)!;
        for (const [stepId, signals] of Object.entries(steps)) {
          const step = exercise.steps.find((s) => s.id === stepId);
          expect({ slug, stepId, found: Boolean(step) }).toEqual({ slug, stepId, found: true });
          if (signals.scale) expect(step).toMatchObject({ kind: 'scale', risk: signals.scale });
          for (const optionId of Object.keys(signals.options ?? {})) {
            const option = (step as { options?: Array<{ id: string; risk?: string }> }).options?.find((o) => o.id === optionId);
            expect({ slug, optionId, risk: option?.risk }).toEqual({ slug, optionId, risk: signals.options![optionId] });
          }
        }
      }
    }
  });

  it('finds the signals the care team must hear about, and nothing in ordinary answers', () => {
    const threePercent = findBuiltInExercise('the-three-percent-that-is-true')!;
    expect(riskSignals(threePercent.steps, { 'said-aloud': 'unsafe' })).toEqual([{ stepId: 'said-aloud', reason: expect.stringMatching(/did not feel safe/) }]);
    expect(riskSignals(threePercent.steps, { 'said-aloud': 'yes' })).toEqual([]);
    const trust = findBuiltInExercise('trust-or-communication')!;
    expect(riskSignals(trust.steps, { trust: 2, 'safe-to-be-vulnerable': 3 }).map((s) => s.stepId)).toEqual(['trust']);
    expect(riskSignals(trust.steps, { trust: 3, 'safe-to-be-vulnerable': 0 }).map((s) => s.stepId)).toEqual(['safe-to-be-vulnerable']);
    expect(riskSignals(trust.steps, { trust: 10, 'safe-to-be-vulnerable': 10 })).toEqual([]);
    fc.assert(fc.property(fc.anything(), (junk) => Array.isArray(riskSignals(trust.steps, junk as never))));
  });

  it('keeps answers private where a partner reading them could harm, and recommends sharing where the exercise is a conversation', () => {
    expect(Object.entries(BUILT_IN_SHARING).filter(([, r]) => r.allowed.length === 1).map(([slug]) => slug).sort()).toEqual(
      ['owning-a-breach-of-trust', 'taboo-statements-baby-steps', 'the-three-percent-that-is-true'].sort(),
    );
    for (const slug of ['repair-after-a-small-hurt', 'when-we-miss-each-other', 'share-and-reflect']) expect(findBuiltInExercise(slug)!.sharing!.recommended).toBe('reveal-when-both-done');
    const breach = findBuiltInExercise('owning-a-breach-of-trust')!;
    expect(sharingRefusal(breach, 'reveal-when-both-done', 'cleared')).toMatch(/private/);
    expect(sharingRefusal(breach, 'private', 'cleared')).toBeNull();
    const repair = findBuiltInExercise('repair-after-a-small-hurt')!;
    expect(sharingRefusal(repair, 'reveal-when-both-done', 'concern')).toMatch(/safety concern/);
    expect(sharingRefusal(repair, 'reveal-when-both-done', 'unscreened')).toBeNull();
    expect(sharingRefusal(repair, 'private', 'concern')).toBeNull();
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

  it('checks risk signals and sharing rules', () => {
    const steps = [
      { id: 'a', kind: 'scale', prompt: 'Rate', required: true, min: 0, max: 10, minLabel: 'low', maxLabel: 'high', risk: { atOrBelow: 11, reason: 'x' } },
      { id: 'b', kind: 'single', prompt: 'Pick', required: true, options: [{ id: 'x', label: 'X', risk: '' }, { id: 'y', label: 'Y' }] },
    ];
    expect(Object.keys(validateExerciseDefinition({ ...sound, recurrence: ['once'], steps, sharing: { allowed: ['private'], recommended: 'reveal-when-both-done' } })).sort()).toEqual(
      ['sharing', 'steps.0.risk', 'steps.1.options.0.risk'].sort(),
    );
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
