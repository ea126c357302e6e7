import type { SubmitTarget } from './prepare.js';

/** One statement as the app sent it to PostgreSQL. */
export interface CapturedQuery {
  text: string;
  values: unknown[];
}

/** A recorded submission and the ids in it that change from one submission to the next. */
export interface SubmitTemplate {
  queries: CapturedQuery[];
  target: SubmitTarget;
  responseId: string;
  submissionId: string;
}

export type ParentMessage =
  | { type: 'record' }
  | { type: 'recorded' }
  | { type: 'stop' }
  | { type: 'plans'; reads: Record<string, CapturedQuery[]>; submit: SubmitTemplate; targets: SubmitTarget[]; physical: CapturedQuery };

export type ChildMessage = { type: 'ready'; port: number } | { type: 'recorded'; queries: CapturedQuery[] };
