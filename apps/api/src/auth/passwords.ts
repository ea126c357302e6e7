import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@tandem/shared';

/** OWASP ASVS argon2id parameters: 19 MiB, 2 iterations, 1 lane. */
const ARGON2 = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

/**
 * Guess-count estimation over the common-password list, keyboard patterns,
 * dates, repeats, sequences and l33t substitutions: the shapes that breached
 * passwords take ("Summer2024!", "qwerty123456"). Below score 3 (about 10^8
 * guesses) a password falls to an offline attack on a leaked hash quickly.
 */
const strength = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
const MIN_SCORE = 3;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

/** A hash of a random secret, verified against when no user matches, so both paths cost the same. */
export const DUMMY_HASH = hash(crypto.randomUUID(), ARGON2);

/**
 * Why a password is refused, in words, or null when it is acceptable. As ASVS
 * asks: a minimum length, no composition rules (no "one digit, one symbol"),
 * a check against common and breached-style passwords, and no expiry.
 */
export function passwordProblem(password: string, email?: string, otherInputs: string[] = []): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'is one of the most common passwords; choose another';
  if (/^(.)\1+$/.test(password)) return 'must not repeat one character';
  const local = email?.toLowerCase().split('@')[0] ?? '';
  if (local.length >= 4 && lower.includes(local)) return 'must not contain your email address';
  // Only the first 100 characters are scored: the estimate is settled long before, and it keeps the check fast.
  // Names count whole, joined up and word by word ("Maple Clinic": "maple clinic", "mapleclinic", "maple", "clinic").
  const names = otherInputs.flatMap((s) => [s, s.replace(/\s+/g, ''), ...s.split(/\s+/)]).map((s) => s.toLowerCase());
  const inputs = [...(email ? [email, local, ...local.split(/[._-]+/)] : []), ...names].filter((s) => s.length > 0);
  if (strength.check(password.slice(0, 100), inputs).score < MIN_SCORE) {
    return 'is too easy to guess (it looks like a common or leaked password); a short sentence of your own works well';
  }
  return null;
}
