import type { DeliveryMessageKind } from '@tandem/shared';

/** Every kind of email Tandem sends: the list is in packages/shared (DELIVERY_MESSAGE_KINDS), which the dashboard shows too. */
export type MessageKind = DeliveryMessageKind;

/** Messages a recipient may stop with one click (RFC 8058); invites and resets are not optional. */
export const OPTIONAL_KINDS: ReadonlySet<MessageKind> = new Set(['portal_link', 'homework_assigned', 'homework_due', 'homework_overdue', 'clinician_digest']);

export type RecipientKind = 'staff' | 'client';
