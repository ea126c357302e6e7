import type { PersonRef } from './clients.js';

/** One way to reach help in a crisis: a number to call or text, shown in the portal with one tap. */
export interface CrisisResource {
  /** What it is, e.g. "988 Suicide & Crisis Lifeline". */
  label: string;
  /** Digits and + only for call and text; the keyword for text lines goes in `textBody`. */
  phone: string;
  /** Whether the number takes calls, texts, or both. */
  call: boolean;
  text: boolean;
  /** Optional message for a text line (e.g. START). */
  textBody?: string;
}

export interface CrisisResources {
  /** The local emergency number, shown first. */
  emergencyNumber: string;
  lines: CrisisResource[];
  /** True while the practice uses Tandem's defaults (the United States). */
  isDefault: boolean;
}

export interface SetCrisisResourcesRequest {
  emergencyNumber: string;
  lines: CrisisResource[];
}

/** Defaults for a practice in the United States, until an admin sets the practice's own. */
export const DEFAULT_CRISIS_RESOURCES: Omit<CrisisResources, 'isDefault'> = {
  emergencyNumber: '911',
  lines: [
    { label: '988 Suicide & Crisis Lifeline', phone: '988', call: true, text: true },
    { label: 'National Domestic Violence Hotline', phone: '18007997233', call: true, text: true, textBody: 'START' },
  ],
};

/** Said wherever a client answers homework: nobody watches answers as they arrive. */
export const NOT_READ_IN_REAL_TIME =
  'Your answers are not read in real time. If you are in danger or thinking about harming yourself, call or text one of the numbers below now.';

export const MAX_CRISIS_LINES = 8;

export type AlertPriority = 'high' | 'normal';

/** A flagged answer, as the care team sees it. Admins see only that alerts exist (counts). */
export interface AlertView {
  id: string;
  priority: AlertPriority;
  raisedAt: string;
  client: PersonRef;
  couple: { id: string; displayName: string } | null;
  assignmentId: string;
  seq: number;
  exerciseTitle: string;
  /** Why each flagged answer matters, in the exercise's words for the care team. */
  reasons: string[];
  acknowledged: { at: string; by: PersonRef; note: string } | null;
}

export interface AcknowledgeAlertRequest {
  note: string;
}

export const ALERT_NOTE_MAX_LENGTH = 2000;

export interface AlertCounts {
  open: number;
  openHigh: number;
}
