export type AuditActorKind = 'staff' | 'portal' | 'system' | 'anonymous';

export interface AuditEventView {
  seq: number;
  occurredAt: string;
  /**
   * Who acted. For events before sign-in (a password set from an invite, a sign-out after
   * the session ended) `kind` is `anonymous` and `name` is the staff member the event is
   * about when Tandem knows it; a failed sign-in never names anyone as its actor.
   */
  actor: { kind: AuditActorKind; id: string | null; name: string | null };
  action: string;
  /** The action in words ("Read a session note"). */
  actionLabel: string;
  recordType: string | null;
  recordId: string | null;
  /** The name of the record acted on, when it is a person (staff member, client) or a couple. */
  recordName: string | null;
  subject: { id: string; name: string } | null;
  requestId: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
  /** Names of the people and couples whose ids appear in `detail` (care-team changes, for one). */
  names: Record<string, string>;
}

export interface AuditVerification {
  ok: boolean;
  checkedEvents: number;
  problems: Array<{ seq: number; problem: string }>;
}

/** Every audited action in words, for the audit page and its CSV. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Failed sign-in',
  'auth.sign_out': 'Signed out',
  'auth.password_set': 'Set a password from an invite link',
  'staff.invited': 'Invited a staff member',
  'staff.invite_reissued': 'Sent a new invite link',
  'staff.updated': 'Changed a staff member',
  'staff.deactivated': 'Deactivated a staff member',
  'staff.reactivated': 'Reactivated a staff member',
  'client.created': 'Added a client',
  'client.updated': 'Changed a client’s details',
  'client.discharged': 'Discharged a client',
  'client.reactivated': 'Reactivated a client',
  'client.care_team_changed': 'Changed a client’s care team',
  'couple.created': 'Added a couple',
  'couple.updated': 'Changed a couple',
  'couple.member_added': 'Added a member to a couple',
  'couple.member_removed': 'Removed a member from a couple',
  'couple.safety_set': 'Recorded a conjoint-safety screening',
  'couple.care_team_changed': 'Changed a couple’s care team',
  'note.created': 'Started a session note',
  'note.read': 'Read a session note',
  'note.updated': 'Edited a draft session note',
  'note.signed': 'Signed a session note',
  'note.discarded': 'Discarded a draft session note',
  'note.addendum_created': 'Started an addendum',
  'assignment.created': 'Assigned homework',
  'assignment.rescheduled': 'Moved a homework due date',
  'assignment.cancelled': 'Cancelled homework',
  'response.read': 'Read homework answers',
  'response.draft_saved': 'Saved homework answers as a draft',
  'response.submitted': 'Submitted homework answers',
  'portal_link.issued': 'Issued a portal link',
  'portal_link.revoked': 'Revoked a portal link',
  'portal_link.used': 'Opened the portal with a link',
  'exercise.created': 'Added an exercise to the library',
  'exercise.updated': 'Saved a new version of an exercise',
  'exercise.archived': 'Archived an exercise',
  'exercise.restored': 'Restored an exercise',
  'measure.scored': 'An outcome measure was scored',
  'measure.read': 'Read outcome-measure scores',
};

/** Words for an action; an action without words yet reads as its code with spaces. */
export const auditActionLabel = (action: string): string => AUDIT_ACTION_LABELS[action] ?? action.replace('.', ': ').replace(/_/g, ' ');

/** The choices of the audit page's "What happened" filter: a group (`note`) or one action. */
export const AUDIT_ACTION_FILTERS: Array<{ value: string; label: string }> = [
  { value: 'auth', label: 'Sign-ins and sign-outs' },
  { value: 'auth.sign_in_failed', label: 'Failed sign-ins' },
  { value: 'staff', label: 'Staff changes' },
  { value: 'client', label: 'Client changes' },
  { value: 'couple', label: 'Couple changes' },
  { value: 'note', label: 'Session notes (all)' },
  { value: 'note.read', label: 'Session notes read' },
  { value: 'assignment', label: 'Homework assigned, moved or cancelled' },
  { value: 'response', label: 'Homework answers (read, saved, submitted)' },
  { value: 'response.read', label: 'Homework answers read' },
  { value: 'portal_link', label: 'Portal links' },
  { value: 'exercise', label: 'Exercise library' },
  { value: 'measure', label: 'Outcome measures (scored, read)' },
];

const words = (value: unknown) => String(value).replace(/_/g, ' ');

/**
 * The facts an event keeps, in words, with people and couples named (ids the
 * reader has no name for are left out rather than shown raw).
 */
export function auditDetailText(event: Pick<AuditEventView, 'action' | 'detail' | 'names'>): string {
  const d = event.detail;
  const name = (id: unknown) => (typeof id === 'string' ? (event.names[id] ?? 'someone no longer on record') : '');
  const team = (primary: unknown, others: unknown) => {
    if (typeof primary !== 'string') return 'nobody';
    const rest = Array.isArray(others) ? others.map(name).filter(Boolean) : [];
    return `${name(primary)} (primary)${rest.length ? `, ${rest.join(', ')}` : ''}`;
  };
  const parts: string[] = [];
  if (event.action.endsWith('care_team_changed') && typeof d.primary === 'string') {
    parts.push('previousPrimary' in d ? `from ${team(d.previousPrimary, d.previousOthers)} to ${team(d.primary, d.others)}` : `to ${team(d.primary, d.others)}`);
  }
  if (Array.isArray(d.fields)) parts.push(`fields: ${d.fields.map(words).join(', ')}`);
  if (Array.isArray(d.roles)) parts.push(`roles: ${d.roles.join(', ')}`);
  if (Array.isArray(d.rolesAfter)) parts.push(`roles: ${Array.isArray(d.rolesBefore) ? `${d.rolesBefore.join(', ')} → ` : ''}${d.rolesAfter.join(', ')}`);
  if (typeof d.status === 'string') parts.push(`result: ${words(d.status)}`);
  if (Array.isArray(d.members)) parts.push(`members: ${d.members.map(name).join(', ')}`);
  if (typeof d.clientId === 'string') parts.push(name(d.clientId));
  if (typeof d.from === 'string' && typeof d.to === 'string') parts.push(`due ${d.from} → ${d.to}`);
  if (typeof d.kind === 'string') parts.push(`${d.kind} note${typeof d.format === 'string' ? `, ${d.format}` : ''}`);
  if (d.reason === 'discharged') parts.push('because the client was discharged');
  if (typeof d.homeworkCancelled === 'number' && d.homeworkCancelled > 0) parts.push(`${d.homeworkCancelled} open homework cancelled`);
  if (d.reissued === true) parts.push('replaced by a new link');
  if (typeof d.responses === 'number') parts.push(`${d.responses} answer set${d.responses === 1 ? '' : 's'}`);
  if (typeof d.version === 'number') parts.push(`version ${d.version}`);
  return parts.join(' · ');
}
