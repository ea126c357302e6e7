import { describe, expect, it } from '@jest/globals';
import { CSI4, GAD7, INSTRUMENTS, MEASURE_IDS, PCL5, PHQ9, type Instrument } from './instruments.js';
import { bandOf, changeBetween, directionOf, measureRisk, reliableChangePoints, scoreAnswers, type ChangeVerdict } from './scoring.js';
import { measureExercise, measureOfExercise } from './exercise.js';
import { validateAnswers } from '../exercises/steps.js';

/** Answers as the portal sends them: option ids, i.e. each value as a string. */
const answers = (m: Instrument, values: number[]) => Object.fromEntries(m.items.map((item, i) => [item.id, String(values[i])]));
/** Table rows led by the measure's name, so test titles read “PHQ-9 …”. */
const named = <R extends [Instrument, ...unknown[]]>(rows: R[]) =>
  rows.map(([m, ...rest]) => [m.name, ...rest] as unknown as [string, ...(R extends [Instrument, ...infer T] ? T : never)]);
const byName = (name: string): Instrument => Object.values(INSTRUMENTS).find((m) => m.name === name)!;
const repeat = (value: number, times: number) => Array.from({ length: times }, () => value);

describe('the instruments as published', () => {
  it.each(named([
    [PHQ9, 9, 4, 'Over the last 2 weeks, how often have you been bothered by any of the following problems?'],
    [GAD7, 7, 4, 'Over the last 2 weeks, how often have you been bothered by any of the following problems?'],
    [PCL5, 20, 5, 'In the past month, how much were you bothered by:'],
  ]))('%s has its items, answer labels and stem', (name, items, choices, stem) => {
    const m = byName(name);
    expect(m.items).toHaveLength(items);
    expect(m.stem).toBe(stem);
    for (const item of m.items) expect(item.options).toHaveLength(choices);
  });

  it('PHQ-9 and GAD-7 answer 0–3 with the published labels; PCL-5 0–4', () => {
    const twoWeeks = ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'];
    for (const m of [PHQ9, GAD7]) for (const item of m.items) expect(item.options).toEqual(twoWeeks.map((label, value) => ({ value, label })));
    const pcl = ['Not at all', 'A little bit', 'Moderately', 'Quite a bit', 'Extremely'];
    for (const item of PCL5.items) expect(item.options).toEqual(pcl.map((label, value) => ({ value, label })));
  });

  it('CSI-4: item 1 scored 0–6 from Extremely Unhappy to Perfect, items 2–4 0–5, total 0–21', () => {
    expect(CSI4.items.map((i) => i.options.length - 1)).toEqual([6, 5, 5, 5]);
    expect(CSI4.items[0]!.options.map((o) => o.label)).toEqual(['Extremely Unhappy', 'Fairly Unhappy', 'A Little Unhappy', 'Happy', 'Very Happy', 'Extremely Happy', 'Perfect']);
    expect(CSI4.items[1]!.options[5]!.label).toBe('Completely true');
    expect(CSI4.higherIsBetter).toBe(true);
  });

  it('PHQ-9 item 9 is the question about being better off dead or self-harm', () => {
    expect(PHQ9.items[8]!.text).toBe('Thoughts that you would be better off dead or of hurting yourself in some way');
    expect(PHQ9.items[8]!.loinc).toBe('44260-8');
  });

  it.each(MEASURE_IDS.map((id) => [id]))('%s: the range is the sum of the items, and the bands cover it without gaps or overlaps', (id) => {
    const m = INSTRUMENTS[id];
    expect(m.items.reduce((sum, i) => sum + i.options[i.options.length - 1]!.value, 0)).toBe(m.range.max);
    const sorted = [...m.bands].sort((a, b) => a.min - b.min);
    expect(sorted[0]!.min).toBe(m.range.min);
    expect(sorted[sorted.length - 1]!.max).toBe(m.range.max);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.min).toBe(sorted[i - 1]!.max + 1);
    expect(m.citation.length).toBeGreaterThan(20);
    expect(m.licence.length).toBeGreaterThan(10);
  });

  it('LOINC codes: PHQ-9 panel 44249-1 and total 44261-6; GAD-7 panel 69737-5 and total 70274-6; none invented for PCL-5 and CSI-4', () => {
    expect(PHQ9.loinc).toEqual({ panel: '44249-1', total: '44261-6' });
    expect(GAD7.loinc).toEqual({ panel: '69737-5', total: '70274-6' });
    expect(PCL5.loinc).toEqual({ panel: null, total: null });
    expect(CSI4.loinc).toEqual({ panel: null, total: null });
  });
});

describe('totals and bands (hand-computed)', () => {
  it.each(named<[Instrument, number[], number, string]>([
    // measure, item answers, total, band
    [PHQ9, repeat(0, 9), 0, 'Minimal'],
    [PHQ9, [1, 1, 1, 1, 0, 0, 0, 0, 0], 4, 'Minimal'],
    [PHQ9, [1, 1, 1, 1, 1, 0, 0, 0, 0], 5, 'Mild'],
    [PHQ9, [3, 3, 3, 0, 0, 0, 0, 0, 0], 9, 'Mild'],
    [PHQ9, [3, 3, 3, 1, 0, 0, 0, 0, 0], 10, 'Moderate'],
    [PHQ9, [2, 2, 2, 2, 2, 2, 2, 0, 0], 14, 'Moderate'],
    [PHQ9, [2, 2, 2, 2, 2, 2, 2, 1, 0], 15, 'Moderately severe'],
    [PHQ9, [3, 3, 3, 2, 2, 2, 2, 2, 0], 19, 'Moderately severe'],
    [PHQ9, [3, 3, 3, 3, 2, 2, 2, 2, 0], 20, 'Severe'],
    [PHQ9, repeat(3, 9), 27, 'Severe'],
    [GAD7, repeat(0, 7), 0, 'Minimal'],
    [GAD7, [1, 1, 1, 1, 0, 0, 0], 4, 'Minimal'],
    [GAD7, [1, 1, 1, 1, 1, 0, 0], 5, 'Mild'],
    [GAD7, [3, 3, 3, 0, 0, 0, 0], 9, 'Mild'],
    [GAD7, [3, 3, 3, 1, 0, 0, 0], 10, 'Moderate'],
    [GAD7, repeat(2, 7), 14, 'Moderate'],
    [GAD7, [3, 2, 2, 2, 2, 2, 2], 15, 'Severe'],
    [GAD7, repeat(3, 7), 21, 'Severe'],
    [PCL5, repeat(0, 20), 0, 'Below the provisional cut-off'],
    [PCL5, [...repeat(2, 15), ...repeat(0, 5)], 30, 'Below the provisional cut-off'],
    [PCL5, [...repeat(2, 15), 1, ...repeat(0, 4)], 31, 'At the provisional cut-off (31–33)'],
    [PCL5, [...repeat(2, 15), 1, 1, 1, 0, 0], 33, 'At the provisional cut-off (31–33)'],
    [PCL5, [...repeat(2, 17), 0, 0, 0], 34, 'Above the provisional cut-off'],
    [PCL5, repeat(4, 20), 80, 'Above the provisional cut-off'],
    [CSI4, [0, 0, 0, 0], 0, 'Notable dissatisfaction (below 13.5)'],
    [CSI4, [3, 3, 3, 4], 13, 'Notable dissatisfaction (below 13.5)'],
    [CSI4, [3, 3, 4, 4], 14, 'Above the distress cut-off'],
    [CSI4, [6, 5, 5, 5], 21, 'Above the distress cut-off'],
  ]))('%s %j → %i, %s', (name, values, total, band) => {
    const m = byName(name);
    const scored = scoreAnswers(m, answers(m, values));
    expect(scored).toEqual({ ok: true, total, items: Object.fromEntries(m.items.map((item, i) => [item.id, values[i]])) });
    expect(bandOf(m, total).label).toBe(band);
  });

  it.each([
    ['a missing item', PHQ9, { ...answers(PHQ9, repeat(1, 9)), 'phq9-4': undefined }, 'phq9-4'],
    ['an answer above the item’s range', PHQ9, { ...answers(PHQ9, repeat(1, 9)), 'phq9-2': '4' }, 'phq9-2'],
    ['CSI-4 item 2 answered 6 (only item 1 goes to 6)', CSI4, answers(CSI4, [6, 6, 5, 5]), 'csi4-2'],
    ['a negative answer', GAD7, { ...answers(GAD7, repeat(0, 7)), 'gad7-7': '-1' }, 'gad7-7'],
    ['a fraction', PCL5, { ...answers(PCL5, repeat(0, 20)), 'pcl5-20': 1.5 }, 'pcl5-20'],
  ])('%s is refused, naming the item', (_what, m, given, field) => {
    const scored = scoreAnswers(m, given);
    expect(scored.ok).toBe(false);
    expect(Object.keys(scored.ok ? {} : scored.errors)).toEqual([field]);
  });

  it('the exercise a measure is given as refuses the same partial and out-of-range answers', () => {
    const exercise = measureExercise('phq-9');
    expect(measureOfExercise(exercise)).toBe(PHQ9);
    const partial = { ...answers(PHQ9, repeat(1, 9)) } as Record<string, string>;
    delete partial['phq9-9'];
    expect(validateAnswers(exercise.steps, partial, { mode: 'submit' }).errors).toHaveProperty('phq9-9');
    expect(validateAnswers(exercise.steps, { ...answers(PHQ9, repeat(1, 9)), 'phq9-1': '9' }, { mode: 'submit' }).errors).toHaveProperty('phq9-1');
    expect(validateAnswers(exercise.steps, answers(PHQ9, repeat(1, 9)), { mode: 'submit' }).ok).toBe(true);
    expect(measureOfExercise({ slug: 'phq-9' })).toBeNull();
  });
});

describe('reliable change (Jacobson & Truax), first → latest', () => {
  it.each(named<[Instrument, number | null]>([
    [PHQ9, 4],
    [GAD7, 3],
    [PCL5, 9],
    [CSI4, null],
  ]))('%s: the smallest reliable change is %p points', (name, points) => {
    const m = byName(name);
    expect(reliableChangePoints(m)).toBe(points);
  });

  it.each(named<[Instrument, number, number, ChangeVerdict, number | null]>([
    // PHQ-9: S_diff = √2 · 3.5 · √(1 − .89) = 1.642; reliable when |Δ| ≥ 4
    [PHQ9, 12, 9, 'no-reliable-change', -1.83],
    [PHQ9, 12, 8, 'recovered', -2.44],
    [PHQ9, 14, 9, 'recovered', -3.05],
    [PHQ9, 16, 12, 'reliably-improved', -2.44],
    [PHQ9, 9, 5, 'reliably-improved', -2.44],
    [PHQ9, 5, 8, 'no-reliable-change', 1.83],
    [PHQ9, 8, 12, 'reliably-worse', 2.44],
    [PHQ9, 0, 0, 'no-reliable-change', 0],
    [PHQ9, 27, 0, 'recovered', -16.45],
    // GAD-7: S_diff = √2 · 3.37 · √(1 − .92) = 1.348; reliable when |Δ| ≥ 3
    [GAD7, 12, 10, 'no-reliable-change', -1.48],
    [GAD7, 12, 9, 'recovered', -2.23],
    [GAD7, 18, 15, 'reliably-improved', -2.23],
    [GAD7, 6, 9, 'reliably-worse', 2.23],
    // PCL-5: S_diff = √2 · 12.4 · √(1 − .94) = 4.296; reliable when |Δ| ≥ 9
    [PCL5, 38, 30, 'no-reliable-change', -1.86],
    [PCL5, 40, 31, 'reliably-improved', -2.1],
    [PCL5, 40, 30, 'recovered', -2.33],
    [PCL5, 20, 29, 'reliably-worse', 2.1],
    // CSI-4: no norm SD recorded, so no index: points only
    [CSI4, 10, 16, 'not-computed', null],
    [CSI4, 16, 12, 'not-computed', null],
  ]))('%s %i → %i: %s (RCI %p)', (name, first, latest, verdict, rci) => {
    const m = byName(name);
    const change = changeBetween(m, first, latest);
    expect(change.verdict).toBe(verdict);
    expect(change.rci).toBe(rci);
    expect(change.delta).toBe(latest - first);
  });

  it.each(named<[Instrument, number, number, number, 'out-of-clinical-range' | 'into-clinical-range' | null]>([
    [PHQ9, 12, 8, 4, 'out-of-clinical-range'],
    [PHQ9, 8, 12, -4, 'into-clinical-range'],
    [PHQ9, 3, 4, -1, null],
    // CSI-4 is the other way up: a higher total is better, and the clinical range is below 13.5
    [CSI4, 10, 16, 6, 'out-of-clinical-range'],
    [CSI4, 16, 12, -4, 'into-clinical-range'],
    [CSI4, 13, 14, 1, 'out-of-clinical-range'],
  ]))('%s %i → %i: improvement %i, crossed %p', (name, first, latest, improvement, crossed) => {
    const m = byName(name);
    expect(changeBetween(m, first, latest)).toMatchObject({ improvement, crossed });
  });

  it.each(named<[Instrument, number, number, string]>([
    [PHQ9, 10, 8, 'better'],
    [PHQ9, 8, 10, 'worse'],
    [CSI4, 10, 8, 'worse'],
    [CSI4, 8, 10, 'better'],
    [GAD7, 5, 5, 'same'],
  ]))('%s %i → %i reads as %s', (name, previous, latest, direction) => {
    const m = byName(name);
    expect(directionOf(m, previous, latest)).toBe(direction);
  });
});

describe('what raises an alert', () => {
  it.each([
    ['PHQ-9 all zeros', 'phq-9' as const, answers(PHQ9, repeat(0, 9)), null],
    ['PHQ-9 item 9 “Several days”, total 1', 'phq-9' as const, answers(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 1]), { priority: 'high', reasons: 1 }],
    ['PHQ-9 severe (20) with item 9 at 0', 'phq-9' as const, answers(PHQ9, [3, 3, 3, 3, 2, 2, 2, 2, 0]), { priority: 'normal', reasons: 1 }],
    ['PHQ-9 moderately severe (19), item 9 at 0', 'phq-9' as const, answers(PHQ9, [3, 3, 3, 2, 2, 2, 2, 2, 0]), null],
    ['PHQ-9 all maximums', 'phq-9' as const, answers(PHQ9, repeat(3, 9)), { priority: 'high', reasons: 2 }],
    ['GAD-7 severe (15)', 'gad-7' as const, answers(GAD7, [3, 2, 2, 2, 2, 2, 2]), { priority: 'normal', reasons: 1 }],
    ['GAD-7 moderate (14)', 'gad-7' as const, answers(GAD7, repeat(2, 7)), null],
    ['PCL-5 all maximums (no alert rule)', 'pcl-5' as const, answers(PCL5, repeat(4, 20)), null],
    ['a partial PHQ-9', 'phq-9' as const, { 'phq9-9': '3' }, null],
  ])('%s', (_what, id, given, expected) => {
    const risk = measureRisk(id, given);
    if (expected === null) expect(risk).toBeNull();
    else expect({ priority: risk?.priority, reasons: risk?.reasons.length }).toEqual(expected);
  });
});
