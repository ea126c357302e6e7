import type { HomeworkStats } from './homework.js';

export const CLIENT_STATUSES = ['active', 'discharged'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

export const CONJOINT_SAFETY = ['unscreened', 'cleared', 'concern'] as const;
export type ConjointSafety = (typeof CONJOINT_SAFETY)[number];

export const CARE_TEAM_ROLES = ['primary', 'secondary'] as const;
export type CareTeamRole = (typeof CARE_TEAM_ROLES)[number];

export interface PersonRef {
  id: string;
  name: string;
}

export interface CareTeamMember {
  staffId: string;
  name: string;
  role: CareTeamRole;
  addedAt: string;
}

export interface ClientSummary {
  id: string;
  name: string;
  preferredName: string | null;
  status: ClientStatus;
  primaryClinician: PersonRef | null;
  couples: Array<{ id: string; displayName: string }>;
  createdAt: string;
  /** The client's own homework; null where the reader does not see it (a couple's clinician, in a list). */
  homework: HomeworkStats | null;
}

/**
 * How the reader reaches this client: `admin`, `care-team` (on the client's
 * own team) or `via-couple` (on the team of a couple the client belongs to,
 * which shows the basic record only: no contact details or date of birth).
 */
export type ClientAccess = 'admin' | 'care-team' | 'via-couple';

export interface ClientDetail extends ClientSummary {
  email: string | null;
  phone: string | null;
  dateOfBirth: string | null;
  preferredLanguage: string;
  dischargedAt: string | null;
  version: number;
  access: ClientAccess;
  careTeam: CareTeamMember[];
  coupleHistory: Array<{ id: string; displayName: string; joinedAt: string; leftAt: string | null }>;
}

/** The earliest date of birth Tandem accepts; the latest is today in the practice's time zone. */
export const EARLIEST_DATE_OF_BIRTH = '1900-01-01';

/**
 * Code of the 409 answer to a new client whose name and date of birth match an existing client's.
 * Sending the same request again with `confirmDuplicate: true` creates the client anyway.
 */
export const POSSIBLE_DUPLICATE_CLIENT = 'possible_duplicate';

/** Preferred languages offered as a list (BCP 47 tags); a client's existing tag outside it is kept. */
export const COMMON_LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'pl', 'ru', 'uk', 'ar', 'fa', 'tr', 'hi', 'bn', 'ur', 'zh', 'ja', 'ko', 'vi', 'tl', 'he', 'el', 'sv'] as const;

export interface CreateClientRequest {
  name: string;
  /** Create even though a client with the same name and date of birth exists. */
  confirmDuplicate?: boolean;
  preferredName?: string | null;
  email?: string | null;
  phone?: string | null;
  dateOfBirth?: string | null;
  preferredLanguage?: string;
  primaryClinicianId?: string;
}

export interface UpdateClientRequest extends Partial<Omit<CreateClientRequest, 'primaryClinicianId' | 'confirmDuplicate'>> {
  /** The version the edit was based on; a stale one gets 409. */
  version: number;
}

export interface CoupleMember {
  clientId: string;
  name: string;
  preferredName: string | null;
  joinedAt: string;
  leftAt: string | null;
}

export interface CoupleSummary {
  id: string;
  displayName: string;
  conjointSafety: ConjointSafety;
  members: Array<{ id: string; name: string; preferredName: string | null }>;
  primaryClinician: PersonRef | null;
  createdAt: string;
  homework: HomeworkStats | null;
}

export interface CoupleDetail extends CoupleSummary {
  safety: { status: ConjointSafety; note: string | null; setBy: PersonRef | null; setAt: string | null };
  memberHistory: CoupleMember[];
  careTeam: CareTeamMember[];
  version: number;
}

export interface CreateCoupleRequest {
  displayName: string;
  memberIds: string[];
  primaryClinicianId?: string;
}

export interface SetCareTeamRequest {
  primaryClinicianId: string;
  otherClinicianIds: string[];
}

export interface CaseloadRow {
  clinician: PersonRef & { active: boolean };
  activeClients: number;
  couples: number;
  /** Overdue occurrences of homework given to the clients and couples on this clinician's teams. */
  overdue: number;
}

export interface CaseloadBoard {
  clinicians: CaseloadRow[];
  unassignedClients: number;
  unassignedCouples: number;
}

/** What each conjoint-safety status means for a clinician, shown beside it. */
export const CONJOINT_SAFETY_EXPLAINED: Record<ConjointSafety, string> = {
  unscreened:
    'Not yet screened for conjoint work. Exercises that need screening cannot be assigned to this couple until a clinician marks it cleared.',
  cleared:
    'Screened and cleared for conjoint work: every exercise in the library, including those that need screening, can be assigned.',
  concern:
    'A safety concern was noted (for example fear, coercion or violence). Exercises that need screening cannot be assigned; consider individual work.',
};
