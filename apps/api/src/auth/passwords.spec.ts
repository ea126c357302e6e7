import { describe, expect, it } from '@jest/globals';
import { passwordProblem } from './passwords.js';

const EMAIL = 'jane.doe@clinic.example';
const NAMES = ['Jane Doe', 'Maple Clinic'];

describe('password policy (ASVS: length, common and breached-style passwords, no composition rules)', () => {
  it('asks for at least 12 characters and no more than 256', () => {
    expect(passwordProblem('short phrase', EMAIL, NAMES)).toBeNull();
    expect(passwordProblem('short phras', EMAIL, NAMES)).toBe('must be at least 12 characters');
    expect(passwordProblem('x'.repeat(257), EMAIL, NAMES)).toBe('must be at most 256 characters');
  });

  it('refuses common passwords and the shapes leaked ones take', () => {
    for (const weak of ['password1234', 'qwertyuiop12', 'Password1234!', 'P@ssw0rd2024', 'iloveyou2024!', 'abcdefghijkl', 'aaaaaaaaaaaaaa']) {
      expect(passwordProblem(weak, EMAIL, NAMES)).not.toBeNull();
    }
  });

  it('refuses passwords built from the person’s own email, name or practice', () => {
    expect(passwordProblem('jane.doe.1990x', EMAIL, NAMES)).toMatch(/email/);
    expect(passwordProblem('mapleclinic2024', EMAIL, NAMES)).toMatch(/too easy to guess/);
  });

  it('sets no composition rules: a lower-case passphrase without digits or symbols is fine', () => {
    expect(passwordProblem('lantern orchard velvet', EMAIL, NAMES)).toBeNull();
    expect(passwordProblem('quiet river at dawn', EMAIL, NAMES)).toBeNull();
  });
});
