import { INSTRUMENTS, isMeasureId, type Instrument, type MeasureBand, type MeasureId } from './instruments.js';

/**
 * Scoring, in the one place both the API (which decides and stores) and the
 * dashboard (which explains) use: totals, bands, the clinical cut-off, the
 * reliable change index, and what in a set of answers needs a clinician soon.
 */

export type ItemAnswers = Record<string, number>;

export type ScoreResult = { ok: true; total: number; items: ItemAnswers } | { ok: false; errors: Record<string, string> };

/**
 * The total of a complete set of answers. Every scored item must be answered
 * with one of its published values (answers arrive as the option id, i.e. the
 * value as a string, or as a number); anything else is an error naming the
 * item. Unscored items are ignored here.
 */
export function scoreAnswers(instrument: Instrument, answers: unknown): ScoreResult {
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) return { ok: false, errors: { answers: 'The answers could not be read.' } };
  const given = answers as Record<string, unknown>;
  const errors: Record<string, string> = {};
  const items: ItemAnswers = {};
  let total = 0;
  for (const item of instrument.items) {
    const raw = given[item.id];
    const value = typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : raw;
    if (value === undefined || value === null || value === '') {
      errors[item.id] = `Question ${item.number} needs an answer.`;
      continue;
    }
    if (typeof value !== 'number' || !item.options.some((o) => o.value === value)) {
      const max = item.options[item.options.length - 1]!.value;
      errors[item.id] = `Question ${item.number} needs one of the answers given (0 to ${max}).`;
      continue;
    }
    items[item.id] = value;
    total += value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, total, items };
}

export function bandOf(instrument: Instrument, total: number): MeasureBand {
  const band = instrument.bands.find((b) => total >= b.min && total <= b.max);
  if (!band) throw new RangeError(`${instrument.name} total ${total} is outside ${instrument.range.min}–${instrument.range.max}`);
  return band;
}

/** Whether a total lies in the clinical range (PHQ-9 ≥ 10; CSI-4 below 13.5 …). */
export function inClinicalRange(instrument: Instrument, total: number): boolean {
  const { atOrAbove, atOrBelow } = instrument.clinical;
  if (atOrAbove !== undefined) return total >= atOrAbove;
  return atOrBelow !== undefined && total <= atOrBelow;
}

/** Jacobson & Truax (1991): the difference between two scores that chance alone exceeds 5% of the time is 1.96 · S_diff. */
export const RCI_CRITICAL = 1.96;

/** S_diff = √2 · SE, SE = SD · √(1 − r). Null when the instrument has no constants recorded. */
export function standardErrorOfDifference(instrument: Instrument): number | null {
  const c = instrument.reliableChange;
  if (!c) return null;
  return Math.SQRT2 * c.sd * Math.sqrt(1 - c.reliability);
}

export const CHANGE_VERDICTS = ['recovered', 'reliably-improved', 'no-reliable-change', 'reliably-worse', 'not-computed'] as const;
export type ChangeVerdict = (typeof CHANGE_VERDICTS)[number];

export const CHANGE_VERDICT_LABELS: Record<ChangeVerdict, string> = {
  recovered: 'Recovered',
  'reliably-improved': 'Reliably improved',
  'no-reliable-change': 'No reliable change',
  'reliably-worse': 'Reliably worse',
  'not-computed': 'Change in points only',
};

export interface Change {
  /** latest − first, in points. */
  delta: number;
  /** Positive when the person is better off (fewer symptoms, or more satisfied). */
  improvement: number;
  /** The reliable change index (delta / S_diff), rounded to two decimals; null without constants. */
  rci: number | null;
  verdict: ChangeVerdict;
  /** Whether the scores crossed the clinical cut-off between first and latest, and which way. */
  crossed: 'out-of-clinical-range' | 'into-clinical-range' | null;
}

/**
 * Change from the first score to the latest. "Recovered" means a reliable
 * improvement that also crosses the clinical cut-off out of the clinical
 * range (Jacobson & Truax's "recovered"); for CSI-4 that is upward, since a
 * higher total is better.
 */
export function changeBetween(instrument: Instrument, first: number, latest: number): Change {
  const delta = latest - first;
  const improvement = instrument.higherIsBetter ? delta : -delta;
  const wasClinical = inClinicalRange(instrument, first);
  const isClinical = inClinicalRange(instrument, latest);
  const crossed = wasClinical && !isClinical ? 'out-of-clinical-range' : !wasClinical && isClinical ? 'into-clinical-range' : null;
  const sDiff = standardErrorOfDifference(instrument);
  if (sDiff === null) return { delta, improvement, rci: null, verdict: 'not-computed', crossed };
  const rci = delta / sDiff;
  const reliable = Math.abs(rci) > RCI_CRITICAL;
  const verdict: ChangeVerdict = !reliable
    ? 'no-reliable-change'
    : improvement > 0
      ? crossed === 'out-of-clinical-range'
        ? 'recovered'
        : 'reliably-improved'
      : 'reliably-worse';
  return { delta, improvement, rci: Math.round(rci * 100) / 100, verdict, crossed };
}

/** The smallest whole-point change that is reliable, for the legend ("a change of 4 points or more"). Null without constants. */
export function reliableChangePoints(instrument: Instrument): number | null {
  const sDiff = standardErrorOfDifference(instrument);
  if (sDiff === null) return null;
  return Math.floor(RCI_CRITICAL * sDiff) + 1;
}

export type Direction = 'better' | 'worse' | 'same';

/** Which way the latest score moved from the one before, for the person (not the number). */
export function directionOf(instrument: Instrument, previous: number, latest: number): Direction {
  if (previous === latest) return 'same';
  return (latest > previous) === instrument.higherIsBetter ? 'better' : 'worse';
}

export interface MeasureRisk {
  priority: 'high' | 'normal';
  /** Why, for the care team: never shown to the client. */
  reasons: string[];
}

/**
 * What in a submitted measure needs a clinician soon: PHQ-9 item 9 answered
 * above 0 (whatever the total) raises a high-priority alert; a PHQ-9 or GAD-7
 * total in the severe band raises one too. Never throws, whatever arrives.
 */
export function measureRisk(id: MeasureId, answers: unknown): MeasureRisk | null {
  if (!isMeasureId(id)) return null;
  const instrument = INSTRUMENTS[id];
  const scored = scoreAnswers(instrument, answers);
  if (!scored.ok) return null;
  const reasons: string[] = [];
  let priority: MeasureRisk['priority'] = 'normal';
  if (id === 'phq-9') {
    const item9 = instrument.items[8]!;
    const value = scored.items[item9.id]!;
    if (value > 0) {
      priority = 'high';
      reasons.push(`PHQ-9 question 9 (thoughts of being better off dead or of self-harm) answered “${item9.options[value]!.label}”.`);
    }
  }
  if (id === 'phq-9' || id === 'gad-7') {
    const band = bandOf(instrument, scored.total);
    if (band.label === 'Severe') reasons.push(`${instrument.name} total ${scored.total}: severe (${band.min}–${band.max}).`);
  }
  return reasons.length > 0 ? { priority, reasons } : null;
}
