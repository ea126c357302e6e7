import type { StaffRole } from '@tandem/shared';

/** Where a request came from: kept with every audit event the request causes. */
export interface RequestOrigin {
  requestId: string;
  ip: string;
}

export interface StaffActor extends RequestOrigin {
  kind: 'staff';
  userId: string;
  practiceId: string;
  roles: readonly StaffRole[];
  sessionId: string;
  /** Today in the practice's time zone (YYYY-MM-DD), read by the session look-up of this request. */
  today?: string;
}

export interface PortalActor extends RequestOrigin {
  kind: 'portal';
  clientId: string;
  practiceId: string;
  sessionId: string;
  /** Today in the practice's time zone (YYYY-MM-DD), read by the session look-up of this request. */
  today?: string;
}

export type Actor = StaffActor | PortalActor;

export const isAdmin = (actor: StaffActor) => actor.roles.includes('admin');
export const isClinician = (actor: StaffActor) => actor.roles.includes('clinician');
