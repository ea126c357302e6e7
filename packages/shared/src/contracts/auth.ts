import type { StaffRole } from './roles.js';

export interface LoginRequest {
  email: string;
  password: string;
}

export interface MeResponse {
  user: { id: string; email: string; name: string; roles: StaffRole[] };
  practice: { id: string; name: string; timezone: string; /** BCP 47 tag: dates and numbers on every page are written this way. */ locale: string };
  session: { idleExpiresAt: string; absoluteExpiresAt: string };
}

export interface SetPasswordRequest {
  token: string;
  password: string;
}

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** What an invite link says before its holder sets a password. */
export interface InviteInfo {
  email: string;
  name: string;
  practiceName: string;
}

/** The answer to a password-reset request: the same sentence whether or not the address is known. */
export interface PasswordResetRequested {
  message: string;
}

/** How many of a colleague's sessions an admin ended. */
export interface EndedSessions {
  ended: number;
}

/** Readiness: the process and its database. Answered 503 while the database is away. */
export interface HealthStatus {
  status: 'ok' | 'unavailable';
  database: 'up' | 'down';
}

/** Liveness: the process answers. */
export interface Liveness {
  status: 'ok';
}
