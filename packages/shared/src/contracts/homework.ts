import type { Answers, ExerciseStep, Recurrence, SharingMode } from '../exercises/steps.js';
import type { PersonRef } from './clients.js';
import type { CrisisResources } from './safety.js';
import type { MeasureId } from '../measures/instruments.js';


export const SHARING_EXPLAINED: Record<SharingMode, string> = {
  private: 'Only the care team sees each partner’s answers.',
  'reveal-when-both-done': 'Each partner sees the other’s answers once both have submitted.',
};

/** Derived, never stored: per member and occurrence, from due date, draft, submission and cancellation. */
export const HOMEWORK_STATUSES = ['assigned', 'in-progress', 'done', 'overdue', 'cancelled'] as const;
export type HomeworkStatus = (typeof HOMEWORK_STATUSES)[number];

export const HOMEWORK_STATUS_LABELS: Record<HomeworkStatus, string> = {
  assigned: 'Assigned',
  'in-progress': 'In progress',
  done: 'Done',
  overdue: 'Overdue',
  cancelled: 'Cancelled',
};

export const INSTRUCTIONS_MAX_LENGTH = 2000;
/** A recurring assignment makes at most this many occurrences. */
export const MAX_OCCURRENCES = 90;

export interface CreateAssignmentRequest {
  clientId?: string;
  coupleId?: string;
  /** A library id: `builtin:<slug>` or a practice exercise's id. */
  exerciseId: string;
  /** Defaults to the exercise's current version. */
  exerciseVersion?: number;
  instructions: string;
  /** The first (or only) due date, YYYY-MM-DD in the practice's time zone. */
  dueOn: string;
  recurrence: Recurrence;
  /** Recurring assignments end on a date or after a number of occurrences (one of the two). */
  endsOn?: string;
  count?: number;
  /** Couples only. */
  sharing?: SharingMode;
  /** Email each client (by their own reminder settings): now, on the due morning, and once if overdue. */
  remind?: boolean;
}

export interface RescheduleAssignmentRequest {
  /** New due date of the next open occurrence; later open ones keep their spacing. */
  dueOn: string;
  version: number;
}

export interface CancelAssignmentRequest {
  version: number;
}

export interface AssignmentExerciseRef {
  id: string;
  version: number;
  title: string;
  minutes: number;
  requiresScreening: boolean;
}

export interface AssignmentSummary {
  id: string;
  subject: { kind: 'client' | 'couple'; id: string; name: string };
  exercise: AssignmentExerciseRef;
  instructions: string;
  recurrence: Recurrence;
  sharing: SharingMode | null;
  occurrenceCount: number;
  firstDueOn: string;
  lastDueOn: string;
  assignedBy: PersonRef;
  createdAt: string;
  cancelledAt: string | null;
  status: HomeworkStatus;
  /** Occurrences all members have submitted, out of all; overdue ones; the next one not yet done. */
  progress: { done: number; total: number; overdue: number; next: { seq: number; dueOn: string } | null };
  version: number;
}

export interface MemberProgress {
  client: PersonRef;
  status: HomeworkStatus;
  startedAt: string | null;
  submittedAt: string | null;
  /** The member's response, once there is one (for "mark reviewed"). */
  responseId: string | null;
  /** When someone on the care team marked the submitted answers reviewed. */
  reviewedAt: string | null;
  /** Null when the reader may not see answers (an admin outside the care team) or there are none yet. */
  answers: Answers | null;
}

export interface OccurrenceView {
  seq: number;
  opensOn: string;
  dueOn: string;
  status: HomeworkStatus;
  members: MemberProgress[];
}

export interface AssignmentDetail extends AssignmentSummary {
  steps: ExerciseStep[];
  occurrences: OccurrenceView[];
  /** Whether this reader sees answers at all (care team: yes; an admin outside it: no). */
  answersVisible: boolean;
}

export interface TrendSeries {
  assignmentId: string;
  exerciseTitle: string;
  step: { id: string; prompt: string; min: number; max: number; minLabel: string; maxLabel: string };
  members: PersonRef[];
  /** One point per occurrence with at least one submission; values by member id (null: not submitted). */
  points: Array<{ seq: number; dueOn: string; values: Record<string, number | null> }>;
}

export interface Trends {
  series: TrendSeries[];
}

/** For caseload rows: homework of this client or couple, as its care team sees it. */
export interface HomeworkStats {
  dueThisWeek: number;
  overdue: number;
  lastActivityAt: string | null;
}

export interface PortalLinkStatus {
  active: { createdAt: string; expiresAt: string; lastUsedAt: string | null; createdBy: PersonRef } | null;
  /**
   * Whether the person asking may issue and copy this client's link: only a
   * clinician who may read everything the link opens (the client's own care
   * team, and the care team of each couple the client is in). Others may still
   * see that a link exists and revoke it.
   */
  canShare: boolean;
}

/** Issuing a link while one is active ends the one the client may be using: it needs `replace: true`. */
export interface IssuePortalLinkRequest {
  replace?: boolean;
}

/** Shown once, when issued: only its hash is kept. */
export interface IssuedPortalLink {
  url: string;
  expiresAt: string;
}

export interface PortalMe {
  /** The signed-in client's own id: the portal keeps its local copies of unsaved answers apart per person. */
  clientId: string;
  firstName: string;
  practiceName: string;
  /** The practice's emergency number and crisis lines, shown on every exercise page and after every submission. */
  crisisResources: CrisisResources;
}

export interface PortalItem {
  assignmentId: string;
  seq: number;
  title: string;
  minutes: number;
  dueOn: string;
  status: HomeworkStatus;
  submittedAt: string | null;
  withPartner: boolean;
}

export interface PortalHome {
  /** Open occurrences (due and overdue), soonest first. */
  todo: PortalItem[];
  /** Recently submitted ones, newest first. */
  done: PortalItem[];
}

export interface PartnerAnswers {
  firstName: string;
  done: boolean;
  /** Present only when sharing reveals them and every partner has submitted. */
  answers: Answers | null;
}

export interface PortalOccurrence extends PortalItem {
  summary: string;
  instructions: string;
  steps: ExerciseStep[];
  answers: Answers;
  /** Version of the saved draft (0: nothing saved yet); a draft save names it. */
  version: number;
  sharing: SharingMode | null;
  partners: PartnerAnswers[];
  /** Set when this is a standard outcome measure: the portal shows it one question at a time. */
  measure: MeasureId | null;
}

export interface SaveDraftRequest {
  answers: Answers;
  version: number;
}

export interface SubmitResponseRequest {
  answers: Answers;
  /** Chosen by the portal once per submission attempt: a retry with the same id is the same submission. */
  submissionId: string;
}

export interface SavedResponse {
  version: number;
  status: 'draft' | 'submitted';
  savedAt: string;
  submittedAt: string | null;
}

/** The closing step of every built-in: what the client wants to bring to their next session. */
export const BRING_TO_SESSION = 'bring-to-session';

export interface BroughtToSession {
  items: Array<{ assignmentId: string; exerciseTitle: string; person: PersonRef; submittedAt: string; text: string }>;
}
