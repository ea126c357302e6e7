import type { PersonRef } from '../contracts/clients.js';
import type { MeasureId } from './instruments.js';
import type { Change, ChangeVerdict, Direction } from './scoring.js';

/** A measure repeats every N weeks, at most this often apart. */
export const MEASURE_EVERY_WEEKS_MAX = 12;

export interface AssignMeasureRequest {
  clientId?: string;
  coupleId?: string;
  measure: MeasureId;
  /** The first (or only) due date, YYYY-MM-DD in the practice's time zone. */
  dueOn: string;
  /** Omitted: once. Otherwise every N weeks, ending on a date or after a number of times. */
  everyWeeks?: number;
  endsOn?: string;
  count?: number;
  instructions?: string;
  remind?: boolean;
}

export interface MeasureBandView {
  label: string;
  min: number;
  max: number;
  concern: number;
}

/** One person's score on one occasion. Only the care team (and the person, in the portal) ever sees it. */
export interface MeasureScoreView {
  id: string;
  measure: MeasureId;
  person: PersonRef;
  coupleId: string | null;
  assignmentId: string;
  seq: number;
  takenAt: string;
  total: number;
  band: MeasureBandView;
}

export interface MeasurePoint {
  scoreId: string;
  takenAt: string;
  total: number;
}

/** One person's scores on one measure, oldest first, with change since the first. */
export interface MeasureSeries {
  measure: MeasureId;
  person: PersonRef;
  points: MeasurePoint[];
  latest: MeasurePoint & { band: MeasureBandView };
  /** Null with a single score. */
  change: Change | null;
}

/** For couples: the gap between partners on each occasion both answered (largest minus smallest total). */
export interface MeasureGapPoint {
  assignmentId: string;
  seq: number;
  on: string;
  gap: number;
}

export interface MeasureGapSeries {
  measure: MeasureId;
  points: MeasureGapPoint[];
}

export interface MeasureSummary {
  series: MeasureSeries[];
  gaps: MeasureGapSeries[];
  /** True when older scores exist beyond the most recent ones charted. */
  truncated: boolean;
}

/** The caseload's view: each person's latest score per measure and which way it moved. */
export interface LatestMeasure {
  clientId: string;
  measure: MeasureId;
  total: number;
  band: MeasureBandView;
  takenAt: string;
  /** From the score before it; null for a first score. */
  direction: Direction | null;
  /** From the first score; null for a first score. */
  verdict: ChangeVerdict | null;
}

export interface LatestMeasures {
  items: LatestMeasure[];
}

/** For admins: per clinician, how many of their active clients have a measure in the last 30 days. No scores. */
export interface MeasureCoverage {
  clinicians: Array<{ clinicianId: string; clientsMeasured: number }>;
}

/** A score as the client sees it in the portal: their own only. */
export interface PortalMeasureScore {
  id: string;
  measure: MeasureId;
  takenAt: string;
  total: number;
  band: MeasureBandView;
}
