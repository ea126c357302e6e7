import crypto from 'node:crypto';

/** 32 random bytes, base64url: the form of every bearer secret Tandem hands out. */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Only this hash of a token is ever stored. */
export function hashToken(token: string): Buffer {
  return crypto.createHash('sha256').update(token, 'utf8').digest();
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
