import { CHANGE_VERDICT_LABELS, reliableChangePoints, type Change, type Direction, type Instrument } from '@tandem/shared';

export type Tone = 'neutral' | 'good' | 'warn' | 'bad' | 'info';

export const VERDICT_TONE: Record<Change['verdict'], Tone> = {
  recovered: 'good',
  'reliably-improved': 'good',
  'no-reliable-change': 'neutral',
  'reliably-worse': 'bad',
  'not-computed': 'info',
};

const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : '0');

/** "Reliably improved: −6 points since the first score (reliable change index −2.44)." */
export function changeSentence(instrument: Instrument, change: Change): string {
  const points = `${signed(change.delta)} point${Math.abs(change.delta) === 1 ? '' : 's'} since the first score`;
  const crossed =
    change.crossed === 'out-of-clinical-range'
      ? `, out of the clinical range (cut-off ${instrument.clinical.published})`
      : change.crossed === 'into-clinical-range'
        ? `, into the clinical range (cut-off ${instrument.clinical.published})`
        : '';
  if (change.rci === null) return `${points}${crossed}. No published reliability figures are recorded for ${instrument.name}, so the change is shown in points only.`;
  return `${points}${crossed} (reliable change index ${change.rci.toFixed(2)}; ${reliableChangePoints(instrument)} points or more is reliable).`;
}

export const verdictLabel = (change: Change) => CHANGE_VERDICT_LABELS[change.verdict];

export const DIRECTION_WORDS: Record<Direction, { arrow: string; words: string }> = {
  better: { arrow: '▲', words: 'better than the time before' },
  worse: { arrow: '▼', words: 'worse than the time before' },
  same: { arrow: '=', words: 'the same as the time before' },
};
