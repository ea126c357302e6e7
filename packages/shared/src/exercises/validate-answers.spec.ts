import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { validateAnswers, type AnswerableStep, type ExerciseStep } from './steps.js';

const id = fc.stringMatching(/^[a-z]{1,8}(-[a-z]{1,8}){0,2}$/);
const options = fc.uniqueArray(id, { minLength: 2, maxLength: 6 }).map((ids) => ids.map((o) => ({ id: o, label: `Option ${o}` })));

const step: fc.Arbitrary<ExerciseStep> = fc.oneof(
  fc.record({ kind: fc.constant('info' as const), prompt: fc.constant('Read this') }),
  fc.record({ kind: fc.constant('text' as const), prompt: fc.constant('Write'), required: fc.boolean(), maxLength: fc.integer({ min: 1, max: 500 }) }),
  fc
    .tuple(fc.integer({ min: -10, max: 10 }), fc.integer({ min: 1, max: 20 }), fc.boolean())
    .map(([min, span, required]) => ({ kind: 'scale' as const, prompt: 'Rate', required, min, max: min + span, minLabel: 'low', maxLabel: 'high' })),
  fc.record({ kind: fc.constant('single' as const), prompt: fc.constant('Pick one'), required: fc.boolean(), options }),
  fc.record({ kind: fc.constant('multi' as const), prompt: fc.constant('Pick some'), required: fc.boolean(), options }),
  fc.record({ kind: fc.constant('checklist' as const), prompt: fc.constant('Tick'), required: fc.boolean(), options }),
) as fc.Arbitrary<ExerciseStep>;

/** Step lists with unique ids. */
const steps = fc.uniqueArray(fc.tuple(id, step), { minLength: 1, maxLength: 8, selector: ([i]) => i }).map((pairs) => pairs.map(([i, s]) => ({ ...s, id: i }) as ExerciseStep));

/** A valid answer for each answerable step. */
function validAnswer(s: AnswerableStep): fc.Arbitrary<unknown> {
  switch (s.kind) {
    case 'text':
      return fc.string({ minLength: 1, maxLength: s.maxLength }).filter((t) => t.trim().length > 0);
    case 'scale':
      return fc.integer({ min: s.min, max: s.max });
    case 'single':
      return fc.constantFrom(...s.options.map((o) => o.id));
    case 'multi':
    case 'checklist':
      return fc.subarray(s.options.map((o) => o.id), { minLength: 1 });
  }
}

const withValidAnswers = steps.chain((list) => {
  const answerable = list.filter((s): s is AnswerableStep => s.kind !== 'info');
  return fc.tuple(fc.constant(list), fc.tuple(...answerable.map(validAnswer)).map((values) => Object.fromEntries(answerable.map((s, i) => [s.id, values[i]]))));
});

describe('validateAnswers', () => {
  it('accepts every complete, valid set of answers on submit', () => {
    fc.assert(
      fc.property(withValidAnswers, ([list, answers]) => {
        expect(validateAnswers(list, answers, { mode: 'submit' })).toEqual({ ok: true, errors: {} });
      }),
    );
  });

  it('lets a draft leave required steps empty, but not a submission', () => {
    fc.assert(
      fc.property(steps, (list) => {
        expect(validateAnswers(list, {}, { mode: 'draft' }).ok).toBe(true);
        const required = list.filter((s) => s.kind !== 'info' && s.required);
        const result = validateAnswers(list, {}, { mode: 'submit' });
        expect(Object.keys(result.errors).sort()).toEqual(required.map((s) => s.id).sort());
        for (const s of required) expect(result.errors[s.id]).toContain(`“${s.prompt}”`);
      }),
    );
  });

  /** For one answerable step, a value of the wrong kind, out of range, too long or not among its choices. */
  function invalidAnswer(s: AnswerableStep): fc.Arbitrary<unknown> {
    const wrongType = fc.oneof(fc.constant(true), fc.constant({ a: 1 }), fc.constant([[1]]), fc.constant(0.25));
    switch (s.kind) {
      case 'text':
        return fc.oneof(wrongType, fc.integer(), fc.constant('x'.repeat(s.maxLength + 1)));
      case 'scale':
        return fc.oneof(
          wrongType,
          fc.constant(String(s.min)),
          fc.integer({ min: s.max + 1, max: s.max + 1000 }),
          fc.integer({ min: s.min - 1000, max: s.min - 1 }),
          fc.constant(s.min + 0.5),
          fc.constant(Number.NaN),
        );
      case 'single':
        return fc.oneof(wrongType, fc.constant('not-an-option'), fc.constant([s.options[0]!.id]));
      case 'multi':
      case 'checklist':
        return fc.oneof(wrongType, fc.constant(['not-an-option']), fc.constant([s.options[0]!.id, s.options[0]!.id]), fc.constant(s.options[0]!.id), fc.constant([3]));
    }
  }

  it('rejects every kind of invalid answer with a message that names the step', () => {
    const broken = withValidAnswers.chain(([list, answers]) => {
      const answerable = list.filter((s): s is AnswerableStep => s.kind !== 'info');
      if (answerable.length === 0) return fc.constant(null);
      return fc.constantFrom(...answerable).chain((target) => invalidAnswer(target).map((bad) => ({ list, answers: { ...answers, [target.id]: bad }, target })));
    });
    fc.assert(
      fc.property(broken, (c) => {
        if (!c) return;
        const result = validateAnswers(c.list, c.answers, { mode: 'draft' });
        expect(result.ok).toBe(false);
        expect(result.errors[c.target.id]).toContain(`“${c.target.prompt}”`);
      }),
    );
  });

  it('rejects answers for unknown steps and for info steps', () => {
    const list: ExerciseStep[] = [
      { id: 'intro', kind: 'info', prompt: 'Read this' },
      { id: 'rate', kind: 'scale', prompt: 'Rate it', required: true, min: 0, max: 10, minLabel: 'low', maxLabel: 'high' },
    ];
    const result = validateAnswers(list, { rate: 5, intro: 'x', extra: 1 }, { mode: 'submit' });
    expect(result.errors).toEqual({ intro: expect.stringContaining('takes no answer'), extra: expect.stringContaining('no step') });
  });

  it('never throws, whatever arrives from the network', () => {
    fc.assert(
      fc.property(steps, fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true }), (list, junk) => {
        const result = validateAnswers(list, junk, { mode: 'submit' });
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});
