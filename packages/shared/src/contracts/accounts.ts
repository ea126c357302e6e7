import type { MeResponse } from './auth.js';

/** The password was right; sign-in continues with a second step before any session exists. */
export interface SignInStepResponse {
  step: 'two-factor' | 'enrol-two-factor';
}

export type LoginResponse = MeResponse | SignInStepResponse;

export const isSignInStep = (body: LoginResponse): body is SignInStepResponse => 'step' in body;

/** What an authenticator app needs: the secret as a QR code (PNG data URL) and as text to type. */
export interface TwoFactorEnrolment {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

/** Shown once, when made; only their hashes are kept. */
export interface RecoveryCodesResponse {
  recoveryCodes: string[];
}

export interface TwoFactorSignInEnrolled extends RecoveryCodesResponse {
  me: MeResponse;
}

export interface TwoFactorStatus {
  enabled: boolean;
  /** The practice requires two-factor sign-in for everyone. */
  required: boolean;
  recoveryCodesLeft: number;
}

export interface PracticeSecurity {
  requireTwoFactor: boolean;
  /** Active staff who have not turned two-factor sign-in on. */
  staffWithoutTwoFactor: number;
}

export interface StaffSessionInfo {
  id: string;
  /** Browser and system, from the user agent ("Firefox 130 on Windows"). */
  device: string;
  ip: string | null;
  createdAt: string;
  lastActiveAt: string;
  /** The session this request came with. */
  current: boolean;
}

/** Emergency ("break-glass") access: a clinician outside the care team opens a client's record for a stated reason. */
export const EMERGENCY_ACCESS_MINUTES = 60;
export const EMERGENCY_REASON_MIN_LENGTH = 10;
export const EMERGENCY_REASON_MAX_LENGTH = 1000;

export interface EmergencyAccessGrant {
  id: string;
  client: { id: string; name: string };
  clinician: { id: string; name: string };
  reason: string;
  startedAt: string;
  expiresAt: string;
  endedAt: string | null;
  active: boolean;
}

export interface EmergencyCandidate {
  id: string;
  name: string;
}

export interface EmergencyRecord {
  grant: EmergencyAccessGrant;
  client: {
    id: string;
    name: string;
    preferredName: string | null;
    email: string | null;
    phone: string | null;
    dateOfBirth: string | null;
    status: 'active' | 'discharged';
  };
  careTeam: Array<{ id: string; name: string; role: string }>;
}

export interface EmergencyNote {
  id: string;
  sessionDate: string;
  format: string;
  status: 'draft' | 'signed';
  author: { id: string; name: string };
  sections: Record<string, string>;
}

/** A notice to a care-team member or admin that someone opened a record in an emergency. */
export interface EmergencyAccessNotice {
  id: string;
  why: 'care_team' | 'admin';
  createdAt: string;
  seenAt: string | null;
  grant: EmergencyAccessGrant;
}
