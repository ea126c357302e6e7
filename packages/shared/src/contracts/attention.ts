import type { PersonRef } from './clients.js';

/**
 * What can need a staff member's attention. Each kind comes from one source
 * on the server; new sources (failed deliveries, emergency-access notices,
 * safety alerts) add a kind here and a source there.
 */
export const ATTENTION_KINDS = ['answers-submitted', 'homework-overdue', 'nothing-assigned', 'draft-note', 'emergency-access'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** The client or couple an item is about. */
export interface AttentionSubject {
  kind: 'client' | 'couple';
  id: string;
  name: string;
}

interface AttentionBase {
  /** Unique within the queue; stable while the item stays in it. */
  key: string;
  /** When the item came to need attention (ISO 8601): the queue is newest first by this. */
  at: string;
  subject: AttentionSubject;
}

/** A client submitted answers that nobody on the care team has marked reviewed. */
export interface AnswersSubmittedItem extends AttentionBase {
  kind: 'answers-submitted';
  responseId: string;
  assignmentId: string;
  seq: number;
  exerciseTitle: string;
  /** Who answered (for a couple, the partner). */
  client: PersonRef;
}

/** An occurrence whose due date has passed with someone still to submit. */
export interface HomeworkOverdueItem extends AttentionBase {
  kind: 'homework-overdue';
  assignmentId: string;
  seq: number;
  exerciseTitle: string;
  dueOn: string;
}

/** The subject's latest session note is newer than their latest assignment. */
export interface NothingAssignedItem extends AttentionBase {
  kind: 'nothing-assigned';
  noteId: string;
  sessionDate: string;
}

/** One of the reader's own notes, still a draft more than a day after it was started. */
export interface DraftNoteItem extends AttentionBase {
  kind: 'draft-note';
  noteId: string;
  sessionDate: string;
}

/**
 * A clinician outside the care team opened this client's record in an
 * emergency: for the client's care team and the practice's admins, until
 * they mark the notice seen. The reason is read on the notice itself.
 */
export interface EmergencyAccessItem extends AttentionBase {
  kind: 'emergency-access';
  noticeId: string;
  emergencyAccessId: string;
  /** Who opened the record. */
  clinician: PersonRef;
  /** Why the reader is told: the client is on their care team, or they are an admin. */
  why: 'care_team' | 'admin';
  expiresAt: string;
}

export type AttentionItem = AnswersSubmittedItem | HomeworkOverdueItem | NothingAssignedItem | DraftNoteItem | EmergencyAccessItem;

/** The navigation's count: exact up to 99, then `capped` ("99+"). */
export interface AttentionCount {
  total: number;
  capped: boolean;
  byKind: Record<AttentionKind, number>;
  /**
   * For admins only (null for everyone else): how much waits across the
   * whole practice, as counts (each exact up to 99), never the rows.
   */
  practice: { answersAwaitingReview: number; homeworkOverdue: number } | null;
}

/** The answer to "mark reviewed": the same on every repeat. */
export interface ResponseReview {
  responseId: string;
  reviewedAt: string;
  reviewedBy: PersonRef | null;
}
