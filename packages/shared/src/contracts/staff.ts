import type { StaffRole } from './roles.js';

export type StaffStatus = 'invited' | 'active' | 'deactivated';

export interface StaffMember {
  id: string;
  email: string;
  name: string;
  roles: StaffRole[];
  status: StaffStatus;
  createdAt: string;
}

export interface InviteStaffRequest {
  email: string;
  name: string;
  roles: StaffRole[];
}

export interface InviteResponse {
  member: StaffMember;
  /** One-time link the new staff member opens to choose a password. */
  inviteUrl: string;
  expiresAt: string;
}

export interface UpdateStaffRequest {
  name?: string;
  roles?: StaffRole[];
}
