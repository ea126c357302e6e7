import crypto from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { TooManyRequestsError } from '../common/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { kyselyOn } from '../db/kysely.js';

/** The table the counters live in (migration 1764200000000). */
const TABLE = 'guessing_limit';
/** Windows that ended this long ago are deleted, every SWEEP_MS, by each process (idempotent). */
const SWEEP_AFTER_MS = 3_600_000;
const SWEEP_MS = 10 * 60_000;

/**
 * The subject of a count (an email, an address, an account id) is kept only
 * as its SHA-256, so the table holds no contact details; the limit's name
 * stays readable in front of it.
 */
const digest = (subject: string) => crypto.createHash('sha256').update(subject, 'utf8').digest('base64url');

function counter(db: DataSource, name: string, points: number, windowSeconds: number): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: db,
    storeType: 'typeorm',
    tableName: TABLE,
    // The migration creates the table; the library must not (it would also need CREATE on the schema).
    tableCreated: true,
    clearExpiredByTimeout: false,
    keyPrefix: name,
    points,
    duration: windowSeconds,
  });
}

/**
 * Counts failed attempts per subject within a fixed window and refuses with
 * 429 and Retry-After once the limit is reached. Subjects are opaque strings
 * (an IP, an email, an account id); successful attempts do not count.
 */
export class FailedAttempts {
  private readonly limiter: RateLimiterPostgres;

  constructor(db: DataSource, name: string, maxAttempts: number, windowSeconds: number) {
    this.limiter = counter(db, name, maxAttempts, windowSeconds);
  }

  async check(subjects: string[]): Promise<void> {
    for (const subject of subjects) {
      const state = await this.limiter.get(digest(subject));
      if (state && state.remainingPoints <= 0) {
        throw new TooManyRequestsError(state.msBeforeNext / 1000);
      }
    }
  }

  /** Counts one failure per subject. A database error is thrown (503), so a failure is never silently not counted. */
  async fail(subjects: string[]): Promise<void> {
    await Promise.all(subjects.map((subject) => this.limiter.penalty(digest(subject), 1)));
  }
}

export interface LookupLimits {
  /** Unknown links per address within `windowSeconds` before the address counts as guessing. */
  maxFailures: number;
  windowSeconds: number;
  /** Look-ups per address per minute; a clinic's real traffic stays far below it. */
  perMinute: number;
  /** Look-ups per minute once the address counts as guessing. */
  perMinuteWhileGuessing: number;
}

/**
 * Portal link look-ups from one address. Unknown links are counted per
 * address; a link that exists always opens, whatever that count says (a
 * clinic's shared network must not lock its clients out because one device
 * guessed). What caps guessing is a budget of look-ups per address, spent
 * before the database is asked for the link: generous until the address has
 * failed `maxFailures` times in the window, then small. Past the budget a
 * look-up is refused with Retry-After, valid or not: that is the price of a
 * guessing neighbour, and it lasts seconds, not the whole window.
 */
export class PortalLinkLookups {
  private readonly failures: RateLimiterPostgres;
  private readonly lookups: RateLimiterPostgres;
  private readonly guessingLookups: RateLimiterPostgres;

  constructor(
    db: DataSource,
    private readonly limits: LookupLimits,
  ) {
    this.failures = counter(db, 'portal-unknown-links', limits.maxFailures, limits.windowSeconds);
    this.lookups = counter(db, 'portal-lookups', limits.perMinute, 60);
    this.guessingLookups = counter(db, 'portal-lookups-guessing', limits.perMinuteWhileGuessing, 60);
  }

  /** Spends one look-up from the address's budget, or throws 429. Returns whether the address counts as guessing. */
  async spend(address: string): Promise<{ guessing: boolean }> {
    const key = digest(address);
    const guessing = await this.isGuessing(key);
    try {
      await (guessing ? this.guessingLookups : this.lookups).consume(key, 1);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new TooManyRequestsError(rejection.msBeforeNext / 1000);
      throw rejection;
    }
    return { guessing };
  }

  /** Counts an unknown link; past `maxFailures` in the window, throws 429 (Retry-After: until the window ends). */
  async fail(address: string): Promise<void> {
    const state = await this.failures.penalty(digest(address), 1);
    if (state.consumedPoints > this.limits.maxFailures) throw new TooManyRequestsError(state.msBeforeNext / 1000);
  }

  private async isGuessing(key: string): Promise<boolean> {
    const state = await this.failures.get(key);
    return state !== null && state.consumedPoints >= this.limits.maxFailures;
  }
}

/**
 * Every limit on guessing a secret, in one place: passwords at sign-in, the
 * second step's codes, two-factor changes, password-reset requests and
 * portal links. The counts live in PostgreSQL (rate-limiter-flexible's
 * PostgreSQL store, on Tandem's own connection pool), so every API process
 * behind a load balancer sees the same counts and refuses the same guess.
 */
@Injectable()
export class GuessingLimits implements OnApplicationBootstrap, OnModuleDestroy {
  /** Wrong passwords per email. */
  readonly signInByEmail: FailedAttempts;
  /** Wrong passwords and wrong second-step codes per address (a shared network gets five times the per-email limit). */
  readonly signInByAddress: FailedAttempts;
  /** Wrong second-step codes at sign-in, per account: the same limit as wrong passwords per email. */
  readonly secondStepByAccount: FailedAttempts;
  /** Wrong codes when changing one's own factor, per account, so a stolen session cannot guess its way to turning it off. */
  readonly factorChangeByAccount: FailedAttempts;
  /** Password-reset requests per address (each request counts, found or not). */
  readonly resetByAddress: FailedAttempts;
  readonly portalLinks: PortalLinkLookups;

  private readonly log = new Logger('guessing-limits');
  private sweeper?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { maxAttempts, windowSeconds } = config.login;
    this.signInByEmail = new FailedAttempts(db, 'sign-in-email', maxAttempts, windowSeconds);
    this.signInByAddress = new FailedAttempts(db, 'sign-in-address', maxAttempts * 5, windowSeconds);
    this.secondStepByAccount = new FailedAttempts(db, 'second-step-account', maxAttempts, windowSeconds);
    this.factorChangeByAccount = new FailedAttempts(db, 'factor-change-account', maxAttempts, windowSeconds);
    this.resetByAddress = new FailedAttempts(db, 'reset-address', maxAttempts, windowSeconds);
    this.portalLinks = new PortalLinkLookups(db, {
      maxFailures: config.portal.maxFailedLookups,
      windowSeconds: config.portal.lookupWindowSeconds,
      perMinute: config.portal.lookupsPerMinute,
      perMinuteWhileGuessing: config.portal.lookupsPerMinuteWhileGuessing,
    });
  }

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** Deletes counters whose window ended over an hour ago. */
  async sweep(): Promise<void> {
    try {
      await kyselyOn(this.db).deleteFrom(TABLE).where('expire', '<', String(Date.now() - SWEEP_AFTER_MS)).execute();
    } catch (error) {
      this.log.warn(`sweeping old counts failed: ${(error as { code?: string }).code ?? 'error'}`);
    }
  }
}
