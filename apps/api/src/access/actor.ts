import type { StaffRole } from '@tandem/shared';

export interface StaffActor {
  kind: 'staff';
  userId: string;
  practiceId: string;
  roles: readonly StaffRole[];
  sessionId: string;
}

export interface PortalActor {
  kind: 'portal';
  clientId: string;
  practiceId: string;
  sessionId: string;
}

export type Actor = StaffActor | PortalActor;

export const isAdmin = (actor: StaffActor) => actor.roles.includes('admin');
export const isClinician = (actor: StaffActor) => actor.roles.includes('clinician');
