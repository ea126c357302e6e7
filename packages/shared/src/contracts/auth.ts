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
