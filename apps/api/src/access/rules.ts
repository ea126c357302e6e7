import type { ClientAccess as ClientVia, NoteKind, SharingMode } from '@tandem/shared';
import { isAdmin, isClinician, type StaffActor } from './actor.js';

/*
 * The design's "who may see what" table (DESIGN.md), row by row, and where
 * each row is decided. Record rules are the functions of this file; the
 * access service looks up the facts they need (is the actor on the care team,
 * does the client reach them through a couple) and throws for them: 404 when
 * the actor may not know the record exists, 403 when they see it but may not
 * do this. A role that a whole route needs is the route's `@Allow(...)`,
 * checked by the access guard, and nowhere else.
 *
 * | design row                              | decided by                                                          |
 * |-----------------------------------------|---------------------------------------------------------------------|
 * | client/couple demographics              | subjectMay().details (contact: .contact); portal: PortalService.me  |
 * | care teams, caseload counts             | subjectMay().membership; listScope(); board: @Allow('admin')        |
 * | assignments, completion status          | subjectMay().homework; portal: portalReaches()                      |
 * | response answers                        | subjectMay().answers; portal: partnerAnswersShown()                 |
 * | progress notes                          | subjectMay().notes, noteMay()                                       |
 * | psychotherapy notes                     | noteMay() (author only; admins see metadata)                        |
 * | audit log                               | @Allow('admin') on the audit routes                                 |
 * | alerts from flagged answers             | subjectMay().alerts; alertCountScope(); attentionAudiences()        |
 * | outcome-measure scores                  | subjectMay().measures; admin board: counts only (@Allow('admin'))   |
 * | a working portal link                   | subjectMay().portalLink                                             |
 * | (not in the table) couple screening     | subjectMay().screening                                              |
 * | (not in the table) exercise library     | exerciseMay()                                                       |
 * | (not in the table) emergency access     | emergencyMay(); EmergencyAccess in access.service.ts                |
 *
 * Words mean the same for every record kind: `read` is seeing it (a list of
 * them, or one), `edit` is changing it. Where something else is meant, the
 * key says what (`share`, `metadata`).
 */

export interface ReadEdit {
  read: boolean;
  edit: boolean;
}

/** What an actor may do with a client or a couple and the records about them. One shape for both. */
export interface SubjectMay {
  /**
   * The record itself. Client: name, status, preferred language (read);
   * demographics, discharge, reactivation, reminder settings (edit). A
   * couple has no details of its own besides its name, which goes with its
   * members (`membership`).
   */
  details: ReadEdit;
  /** A client's email, phone and date of birth: not for a clinician who reaches the client only through a couple. */
  contact: { read: boolean };
  /** Who is on the care team; a couple's members and name. Edit: admins. */
  membership: ReadEdit;
  /** A couple's conjoint-safety screening: recorded by a clinician on the couple's care team. Clients have none. */
  screening: ReadEdit;
  /**
   * A client's portal link. `read`: whether one works and until when;
   * `share`: see, copy or issue it; `revoke`: end it (it only takes access away).
   */
  portalLink: { read: boolean; share: boolean; revoke: boolean };
  /** Assignments and their completion status. Edit: assign, reschedule, cancel, mark answers reviewed. */
  homework: ReadEdit;
  /** What clients answered (homework, trends, what they bring to the session). */
  answers: { read: boolean };
  /**
   * Session notes. `read`: the content of progress notes (psychotherapy notes:
   * noteMay); `edit`: write notes; `metadata`: date, author, kind and
   * signature of every note, psychotherapy notes included.
   */
  notes: ReadEdit & { metadata: boolean };
  /** Alerts from flagged answers: read them (their reasons come from answers) and acknowledge them. */
  alerts: ReadEdit;
  /** Outcome-measure scores: read them; edit is assigning a measure. Admins as such see counts only, never a score. */
  measures: ReadEdit;
}

export interface RecordAccess<Via extends string> {
  /** How the actor reaches the record. */
  via: Via;
  may: SubjectMay;
}

export type CoupleVia = 'care-team' | 'admin';
export type ClientAccessAnswer = RecordAccess<ClientVia>;
export type CoupleAccessAnswer = RecordAccess<CoupleVia>;

/** Facts about one actor and one client or couple, as the access service finds them. */
export interface Reach {
  /** The actor has the admin role. */
  admin: boolean;
  /** A clinician on the record's own care team. */
  onTeam: boolean;
  /** A clinician on the care team of a couple the client is in now (clients only). */
  viaCouple: boolean;
  /** On the care team of every couple the client is in now (clients only; true when there is none). */
  onEveryCoupleTeam: boolean;
}

/** The facts for an actor, from what the database says of the clinician (ignored unless they hold the clinician role). */
export function reachOf(actor: StaffActor, found: { onTeam: boolean; viaCouple?: boolean; onEveryCoupleTeam?: boolean }): Reach {
  const clinician = isClinician(actor);
  return {
    admin: isAdmin(actor),
    onTeam: clinician && found.onTeam,
    viaCouple: clinician && (found.viaCouple ?? false),
    onEveryCoupleTeam: found.onEveryCoupleTeam ?? true,
  };
}

/**
 * A client: reached by admins, by clinicians on their care team, and by
 * clinicians on the team of a couple they are in (who see who the partner
 * is, not the client's own clinical records). Null: not reached (404).
 */
export function clientAccess(r: Reach): ClientAccessAnswer | null {
  if (!r.admin && !r.onTeam && !r.viaCouple) return null;
  const via: ClientVia = r.onTeam ? 'care-team' : r.admin ? 'admin' : 'via-couple';
  return { via, may: subjectMay(r, 'client') };
}

/** A couple: reached by admins and by clinicians on its care team. Null: not reached (404). */
export function coupleAccess(r: Reach): CoupleAccessAnswer | null {
  if (!r.admin && !r.onTeam) return null;
  return { via: r.onTeam ? 'care-team' : 'admin', may: subjectMay({ ...r, viaCouple: false, onEveryCoupleTeam: true }, 'couple') };
}

/** The table's columns for one client or couple: admin, clinician on the care team (and, for clients, clinician of a couple they are in). */
export function subjectMay(r: Reach, kind: 'client' | 'couple'): SubjectMay {
  const team = r.onTeam;
  const ownRecords = team || r.admin; // the client's own clinical records: not through a couple
  return {
    details: { read: true, edit: ownRecords },
    contact: { read: ownRecords },
    membership: { read: true, edit: r.admin },
    screening: { read: kind === 'couple', edit: kind === 'couple' && team },
    // A link opens everything the client reads in the portal (their own homework and that of every couple
    // they are in now), so only a clinician who may read all of it in the dashboard shares it. Admins as such never do.
    portalLink: { read: kind === 'client', share: kind === 'client' && team && r.onEveryCoupleTeam, revoke: kind === 'client' },
    homework: { read: ownRecords, edit: team },
    answers: { read: team },
    notes: { read: team, edit: team, metadata: r.admin },
    alerts: { read: team, edit: team },
    measures: { read: team, edit: team },
  };
}

/** A client or couple as the subject of clinical records (notes, homework, answers, alerts): reached only through its own care team or as admin. */
export function reachesOwnRecords(access: RecordAccess<string>): boolean {
  return access.via !== 'via-couple';
}

/** What the actor may do with one session note, given their access to its subject. Null: they may not know it exists (404). */
export function noteMay(
  actor: StaffActor,
  subject: SubjectMay,
  note: { kind: NoteKind; authorId: string },
): { read: boolean; edit: boolean; addendum: boolean } | null {
  const read = subject.notes.read && (note.kind === 'progress' || note.authorId === actor.userId);
  if (!read && !subject.notes.metadata) return null;
  return { read, edit: read && note.authorId === actor.userId, addendum: read };
}

/**
 * Which notes a list shows: every one (their metadata) to admins, otherwise
 * progress notes and the reader's own psychotherapy notes. The list's SQL
 * says the same: keep them together.
 */
export const notesListed = (subject: SubjectMay): 'every' | 'progress-and-own' => (subject.notes.metadata ? 'every' : 'progress-and-own');

/** Exercises: any clinician writes one; built-ins are read-only; its author or an admin edits or archives it. */
export function exerciseMay(actor: StaffActor, exercise: { builtIn: boolean; authorId: string | null }): ReadEdit {
  return { read: true, edit: !exercise.builtIn && (isAdmin(actor) || exercise.authorId === actor.userId) };
}

/**
 * What lists of clients, couples and failed deliveries hold: the practice's
 * for admins (who may also list by another clinician's caseload, or the
 * unassigned), for clinicians what their care teams reach.
 */
export const listScope = (actor: StaffActor): 'practice' | 'own' => (isAdmin(actor) ? 'practice' : 'own');

/**
 * The attention queue's sources, by their audience: a clinician's come from
 * their care teams (answers to review, overdue homework, alerts, drafts); an
 * admin's are practice-wide counts and failed deliveries, never clinical rows.
 */
export const attentionAudiences = (actor: StaffActor): Array<'clinician' | 'admin'> => [
  ...(isClinician(actor) ? (['clinician'] as const) : []),
  ...(isAdmin(actor) ? (['admin'] as const) : []),
];

/** Open-alert counts: admins the practice's (that alerts exist, nothing of them), clinicians their care teams'. */
export const alertCountScope = (actor: StaffActor): 'practice' | 'own' | 'none' => (isAdmin(actor) ? 'practice' : isClinician(actor) ? 'own' : 'none');

/**
 * The portal: a partner's answers are shown only when the assignment shares
 * them (`reveal-when-both-done`) and every member, the reader included, has
 * submitted. `submitted`: the reader's and each partner's.
 */
export const partnerAnswersShown = (sharing: SharingMode | null, submitted: boolean[]): boolean =>
  sharing === 'reveal-when-both-done' && submitted.every(Boolean);

/**
 * The portal: couple homework reaches a client only while they are a member
 * of that couple; leaving it ends access at once, to what was there and to
 * what the others submit afterwards. `a` is the assignment alias, `client`
 * the placeholder of the client id.
 */
export const portalReaches = (a: string, client: string) =>
  `(${a}.couple_id IS NULL OR EXISTS (SELECT 1 FROM couple_member cm WHERE cm.practice_id = ${a}.practice_id AND cm.couple_id = ${a}.couple_id
                                        AND cm.client_id = ${client} AND cm.left_at IS NULL))`;

/** Note kinds an emergency opens. Psychotherapy notes stay with their author, even in an emergency. */
export const EMERGENCY_NOTE_KINDS = ['progress'] as const satisfies readonly NoteKind[];

/**
 * Emergency access: one clinician, one client, a stated reason, a limited
 * time. It opens the client's details and care team and their progress
 * notes, and nothing else; it never changes what the rules above answer.
 */
export function emergencyMay(): SubjectMay {
  const none = { read: false, edit: false };
  return {
    details: { read: true, edit: false },
    contact: { read: true },
    membership: { read: true, edit: false },
    screening: none,
    portalLink: { read: false, share: false, revoke: false },
    homework: none,
    answers: { read: false },
    notes: { read: true, edit: false, metadata: false },
    alerts: none,
    measures: none,
  };
}
