import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { DataSource } from 'typeorm';
import type { TwoFactorEnrolment, TwoFactorStatus } from '@tandem/shared';
import { RuleViolationError, ValidationFailedError } from '../common/app-error.js';
import type { SqlRunner } from '../common/sql.js';
import { modify } from '../common/sql.js';
import { aadFor, FieldCipher } from '../encryption/field-cipher.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';

export const RECOVERY_CODE_COUNT = 10;
/** Codes from the previous and the next 30-second step are accepted, for clocks a little apart. */
const TOLERANCE_SECONDS = 30;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Which second factor proved who someone is. */
export type SecondFactor = 'totp' | 'recovery_code';

interface TotpRow {
  id: string;
  practice_id: string;
  key_id: string;
  secret_enc: Buffer;
  last_time_step: string;
}

/** 80 random bits as 16 base32 letters, shown in groups of four. */
function newRecoveryCode(): string {
  const bytes = crypto.randomBytes(10);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let text = '';
  for (let i = 15; i >= 0; i--) text += BASE32[Number((bits >> BigInt(i * 5)) & 31n)];
  return text.match(/.{4}/g)!.join('-');
}

/** Codes are typed by hand: case, spaces and dashes do not matter. */
const normalise = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');
/** Recovery codes carry 80 random bits, so a plain SHA-256 is enough to store them (like session tokens). */
const hashRecoveryCode = (code: string) => crypto.createHash('sha256').update(`tandem-recovery:${normalise(code)}`, 'utf8').digest();

/**
 * TOTP second factor (RFC 6238, 30-second steps, six digits) with ten
 * single-use recovery codes. Secrets are encrypted under the data key; a code
 * is accepted once (the last accepted time step is stored and only later ones
 * pass); recovery codes are kept as hashes only.
 */
@Injectable()
export class TwoFactorService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
  ) {}

  async status(practiceId: string, userId: string, runner: SqlRunner = this.db): Promise<TwoFactorStatus> {
    const [row] = (await runner.query(
      `SELECT p.require_two_factor AS required,
              EXISTS (SELECT 1 FROM staff_totp t WHERE t.practice_id = p.id AND t.staff_user_id = $2 AND t.confirmed_at IS NOT NULL) AS enabled,
              (SELECT count(*) FROM staff_recovery_code r WHERE r.practice_id = p.id AND r.staff_user_id = $2 AND r.used_at IS NULL)::int AS left
         FROM practice p WHERE p.id = $1`,
      [practiceId, userId],
    )) as Array<{ required: boolean; enabled: boolean; left: number }>;
    return { enabled: row?.enabled ?? false, required: row?.required ?? false, recoveryCodesLeft: row?.left ?? 0 };
  }

  /** A new secret waiting for its first code; an earlier unconfirmed one is replaced. */
  async startEnrolment(tx: SqlRunner, practiceId: string, userId: string): Promise<TwoFactorEnrolment> {
    const [who] = (await tx.query(
      `SELECT u.email, p.name AS practice_name,
              EXISTS (SELECT 1 FROM staff_totp t WHERE t.practice_id = u.practice_id AND t.staff_user_id = u.id AND t.confirmed_at IS NOT NULL) AS enabled
         FROM staff_user u JOIN practice p ON p.id = u.practice_id WHERE u.practice_id = $1 AND u.id = $2 FOR UPDATE OF u`,
      [practiceId, userId],
    )) as Array<{ email: string; practice_name: string; enabled: boolean }>;
    if (!who) throw new RuleViolationError('no_account', 'That account does not exist.');
    if (who.enabled) {
      throw new RuleViolationError('two_factor_on', 'Two-factor sign-in is already on for your account. Turn it off first to move it to another device.');
    }
    await tx.query(`DELETE FROM staff_totp WHERE practice_id = $1 AND staff_user_id = $2 AND confirmed_at IS NULL`, [practiceId, userId]);
    const id = crypto.randomUUID();
    const secret = generateSecret();
    const sealed = this.cipher.encrypt(secret, aadFor('staff_totp', practiceId, id, 'secret'));
    await tx.query(`INSERT INTO staff_totp (id, practice_id, staff_user_id, key_id, secret_enc) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      practiceId,
      userId,
      sealed.keyId,
      sealed.ciphertext,
    ]);
    const otpauthUri = generateURI({ issuer: `Tandem (${who.practice_name})`, label: who.email, secret });
    return { secret, otpauthUri, qrCode: await QRCode.toDataURL(otpauthUri, { margin: 1, width: 240 }) };
  }

  /** The first code from the app turns two-factor sign-in on and makes the recovery codes. Wrong code: 400. */
  async confirmEnrolment(tx: SqlRunner, practiceId: string, userId: string, code: string): Promise<string[]> {
    const row = await this.totpRow(tx, practiceId, userId, false);
    const step = row ? await this.matchingStep(row, code) : null;
    if (!row || step === null) throw new ValidationFailedError({ code: 'does not match the code your authenticator app shows; check the app and try again' });
    await tx.query(`UPDATE staff_totp SET confirmed_at = now(), last_time_step = $3 WHERE practice_id = $1 AND staff_user_id = $2`, [practiceId, userId, step]);
    return this.replaceRecoveryCodes(tx, practiceId, userId);
  }

  /**
   * Checks a code at sign-in (or before a change to the factor itself) and
   * uses it up: a TOTP code's time step, or a recovery code, is never
   * accepted again. Null when it does not match.
   */
  async consume(tx: SqlRunner, practiceId: string, userId: string, code: string): Promise<SecondFactor | null> {
    const typed = normalise(code);
    if (/^\d{6}$/.test(typed)) {
      const row = await this.totpRow(tx, practiceId, userId, true);
      const step = row ? await this.matchingStep(row, typed) : null;
      if (step === null) return null;
      // The condition makes two requests racing with the same code accept it once.
      const moved = await modify(
        tx,
        `UPDATE staff_totp SET last_time_step = $3 WHERE practice_id = $1 AND staff_user_id = $2 AND last_time_step < $3 RETURNING id`,
        [practiceId, userId, step],
      );
      return moved.length > 0 ? 'totp' : null;
    }
    if (/^[a-z2-7]{16}$/.test(typed)) {
      const used = await modify(
        tx,
        `UPDATE staff_recovery_code SET used_at = now()
          WHERE practice_id = $1 AND staff_user_id = $2 AND code_hash = $3 AND used_at IS NULL
            AND EXISTS (SELECT 1 FROM staff_totp t WHERE t.practice_id = $1 AND t.staff_user_id = $2 AND t.confirmed_at IS NOT NULL)
          RETURNING id`,
        [practiceId, userId, hashRecoveryCode(typed)],
      );
      return used.length > 0 ? 'recovery_code' : null;
    }
    return null;
  }

  async replaceRecoveryCodes(tx: SqlRunner, practiceId: string, userId: string): Promise<string[]> {
    await tx.query(`DELETE FROM staff_recovery_code WHERE practice_id = $1 AND staff_user_id = $2`, [practiceId, userId]);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await tx.query(
      `INSERT INTO staff_recovery_code (practice_id, staff_user_id, code_hash) SELECT $1, $2, unnest($3::bytea[])`,
      [practiceId, userId, codes.map(hashRecoveryCode)],
    );
    return codes;
  }

  /** Removes the factor and its recovery codes. */
  async remove(tx: SqlRunner, practiceId: string, userId: string): Promise<boolean> {
    await tx.query(`DELETE FROM staff_recovery_code WHERE practice_id = $1 AND staff_user_id = $2`, [practiceId, userId]);
    const removed = await modify(tx, `DELETE FROM staff_totp WHERE practice_id = $1 AND staff_user_id = $2 RETURNING confirmed_at`, [practiceId, userId]);
    return removed.length > 0;
  }

  private async totpRow(runner: SqlRunner, practiceId: string, userId: string, confirmed: boolean): Promise<TotpRow | undefined> {
    const [row] = (await runner.query(
      `SELECT id, practice_id, key_id, secret_enc, last_time_step FROM staff_totp
        WHERE practice_id = $1 AND staff_user_id = $2 AND (confirmed_at IS NOT NULL) = $3 FOR UPDATE`,
      [practiceId, userId, confirmed],
    )) as TotpRow[];
    return row;
  }

  /** The time step the code belongs to, when it is right and later than the last one accepted. */
  private async matchingStep(row: TotpRow, code: string): Promise<number | null> {
    const token = normalise(code);
    if (!/^\d{6}$/.test(token)) return null;
    const secret = this.cipher.decrypt(row.secret_enc, row.key_id, aadFor('staff_totp', row.practice_id, row.id, 'secret'));
    const result = await verify({ secret, token, epochTolerance: TOLERANCE_SECONDS, afterTimeStep: Number(row.last_time_step) });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }
}
