import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { DataSource, type EntityManager } from 'typeorm';
import { sql, type Selectable } from 'kysely';
import type { TwoFactorEnrolment, TwoFactorStatus } from '@tandem/shared';
import { RuleViolationError, ValidationFailedError } from '../common/app-error.js';
import { kyselyOn } from '../db/kysely.js';
import type { StaffTotp } from '../db/schema.js';
import { aadFor, FieldCipher } from '../encryption/field-cipher.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';

export const RECOVERY_CODE_COUNT = 10;
/** Codes from the previous and the next 30-second step are accepted, for clocks a little apart. */
const TOLERANCE_SECONDS = 30;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Which second factor proved who someone is. */
export type SecondFactor = 'totp' | 'recovery_code';

type TotpRow = Pick<Selectable<StaffTotp>, 'id' | 'practice_id' | 'key_id' | 'secret_enc' | 'last_time_step'>;
/** The pool, or the transaction a change runs in. */
type SqlRunner = DataSource | EntityManager;

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
    const row = await kyselyOn(runner)
      .selectFrom('practice as p')
      .select((eb) => [
        'p.require_two_factor as required',
        eb
          .exists(
            eb
              .selectFrom('staff_totp as t')
              .select(sql.lit(1).as('one'))
              .whereRef('t.practice_id', '=', 'p.id')
              .where('t.staff_user_id', '=', userId)
              .where('t.confirmed_at', 'is not', null),
          )
          .$castTo<boolean>()
          .as('enabled'),
        sql<number>`(SELECT count(*) FROM staff_recovery_code r WHERE r.practice_id = p.id AND r.staff_user_id = ${userId} AND r.used_at IS NULL)::int`.as('left'),
      ])
      .where('p.id', '=', practiceId)
      .executeTakeFirst();
    return { enabled: row?.enabled ?? false, required: row?.required ?? false, recoveryCodesLeft: row?.left ?? 0 };
  }

  /** A new secret waiting for its first code; an earlier unconfirmed one is replaced. */
  async startEnrolment(tx: SqlRunner, practiceId: string, userId: string): Promise<TwoFactorEnrolment> {
    const db = kyselyOn(tx);
    const who = await db
      .selectFrom('staff_user as u')
      .innerJoin('practice as p', 'p.id', 'u.practice_id')
      .select((eb) => [
        'u.email',
        'p.name as practice_name',
        eb
          .exists(
            eb
              .selectFrom('staff_totp as t')
              .select(sql.lit(1).as('one'))
              .whereRef('t.practice_id', '=', 'u.practice_id')
              .whereRef('t.staff_user_id', '=', 'u.id')
              .where('t.confirmed_at', 'is not', null),
          )
          .$castTo<boolean>()
          .as('enabled'),
      ])
      .where('u.practice_id', '=', practiceId)
      .where('u.id', '=', userId)
      .forUpdate('u')
      .executeTakeFirst();
    if (!who) throw new RuleViolationError('no_account', 'That account does not exist.');
    if (who.enabled) {
      throw new RuleViolationError('two_factor_on', 'Two-factor sign-in is already on for your account. Turn it off first to move it to another device.');
    }
    await db.deleteFrom('staff_totp').where('practice_id', '=', practiceId).where('staff_user_id', '=', userId).where('confirmed_at', 'is', null).execute();
    const id = crypto.randomUUID();
    const secret = generateSecret();
    const sealed = this.cipher.encrypt(secret, aadFor('staff_totp', practiceId, id, 'secret'));
    await db.insertInto('staff_totp').values({ id, practice_id: practiceId, staff_user_id: userId, key_id: sealed.keyId, secret_enc: sealed.ciphertext }).execute();
    const otpauthUri = generateURI({ issuer: `Tandem (${who.practice_name})`, label: who.email, secret });
    return { secret, otpauthUri, qrCode: await QRCode.toDataURL(otpauthUri, { margin: 1, width: 240 }) };
  }

  /** The first code from the app turns two-factor sign-in on and makes the recovery codes. Wrong code: 400. */
  async confirmEnrolment(tx: SqlRunner, practiceId: string, userId: string, code: string): Promise<string[]> {
    const row = await this.totpRow(tx, practiceId, userId, false);
    const step = row ? await this.matchingStep(row, code) : null;
    if (!row || step === null) throw new ValidationFailedError({ code: 'does not match the code your authenticator app shows; check the app and try again' });
    await kyselyOn(tx)
      .updateTable('staff_totp')
      .set({ confirmed_at: sql`now()`, last_time_step: step })
      .where('practice_id', '=', practiceId)
      .where('staff_user_id', '=', userId)
      .execute();
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
      const moved = await kyselyOn(tx)
        .updateTable('staff_totp')
        .set({ last_time_step: step })
        .where('practice_id', '=', practiceId)
        .where('staff_user_id', '=', userId)
        .where('last_time_step', '<', String(step))
        .returning('id')
        .execute();
      return moved.length > 0 ? 'totp' : null;
    }
    if (/^[a-z2-7]{16}$/.test(typed)) {
      const used = await kyselyOn(tx)
        .updateTable('staff_recovery_code')
        .set({ used_at: sql`now()` })
        .where('practice_id', '=', practiceId)
        .where('staff_user_id', '=', userId)
        .where('code_hash', '=', hashRecoveryCode(typed))
        .where('used_at', 'is', null)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('staff_totp as t')
              .select(sql.lit(1).as('one'))
              .where('t.practice_id', '=', practiceId)
              .where('t.staff_user_id', '=', userId)
              .where('t.confirmed_at', 'is not', null),
          ),
        )
        .returning('id')
        .execute();
      return used.length > 0 ? 'recovery_code' : null;
    }
    return null;
  }

  async replaceRecoveryCodes(tx: SqlRunner, practiceId: string, userId: string): Promise<string[]> {
    const db = kyselyOn(tx);
    await db.deleteFrom('staff_recovery_code').where('practice_id', '=', practiceId).where('staff_user_id', '=', userId).execute();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await db
      .insertInto('staff_recovery_code')
      .columns(['practice_id', 'staff_user_id', 'code_hash'])
      .expression(sql`SELECT ${practiceId}, ${userId}, unnest(${codes.map(hashRecoveryCode)}::bytea[])`)
      .execute();
    return codes;
  }

  /** Removes the factor and its recovery codes. */
  async remove(tx: SqlRunner, practiceId: string, userId: string): Promise<boolean> {
    const db = kyselyOn(tx);
    await db.deleteFrom('staff_recovery_code').where('practice_id', '=', practiceId).where('staff_user_id', '=', userId).execute();
    const removed = await db.deleteFrom('staff_totp').where('practice_id', '=', practiceId).where('staff_user_id', '=', userId).returning('confirmed_at').execute();
    return removed.length > 0;
  }

  private async totpRow(runner: SqlRunner, practiceId: string, userId: string, confirmed: boolean): Promise<TotpRow | undefined> {
    return kyselyOn(runner)
      .selectFrom('staff_totp')
      .select(['id', 'practice_id', 'key_id', 'secret_enc', 'last_time_step'])
      .where('practice_id', '=', practiceId)
      .where('staff_user_id', '=', userId)
      .where(sql<boolean>`(confirmed_at IS NOT NULL) = ${confirmed}`)
      .forUpdate()
      .executeTakeFirst();
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
