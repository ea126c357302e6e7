/** Every kind of email Tandem sends. */
export const MESSAGE_KINDS = [
  'staff_invite',
  'password_reset',
  'portal_link',
  'homework_assigned',
  'homework_due',
  'homework_overdue',
  'clinician_digest',
  'safety_alert',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Messages a recipient may stop with one click (RFC 8058); invites and resets are not optional. */
export const OPTIONAL_KINDS: ReadonlySet<MessageKind> = new Set(['portal_link', 'homework_assigned', 'homework_due', 'homework_overdue', 'clinician_digest']);

export type RecipientKind = 'staff' | 'client';
