import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../common/app-error.js';

/**
 * Counts failed attempts per key within a window and refuses with 429 and
 * Retry-After once the limit is reached. Keys are opaque strings (an IP, an
 * email); successful attempts do not count.
 */
export class AttemptThrottle {
  private readonly limiter: RateLimiterMemory;

  constructor(maxAttempts: number, windowSeconds: number) {
    this.limiter = new RateLimiterMemory({ points: maxAttempts, duration: windowSeconds });
  }

  async check(keys: string[]): Promise<void> {
    for (const key of keys) {
      const state = await this.limiter.get(key);
      if (state && state.remainingPoints <= 0) {
        throw new TooManyRequestsError(state.msBeforeNext / 1000);
      }
    }
  }

  async fail(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.limiter.penalty(key, 1).catch((e: unknown) => e as RateLimiterRes)));
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
 * before the database is asked: generous until the address has failed
 * `maxFailures` times in the window, then small. Past the budget a look-up is
 * refused with Retry-After, valid or not: that is the price of a guessing
 * neighbour, and it lasts seconds, not the whole window.
 */
export class LookupThrottle {
  private readonly failures: RateLimiterMemory;
  private readonly lookups: RateLimiterMemory;
  private readonly guessingLookups: RateLimiterMemory;

  constructor(private readonly limits: LookupLimits) {
    this.failures = new RateLimiterMemory({ points: limits.maxFailures, duration: limits.windowSeconds });
    this.lookups = new RateLimiterMemory({ points: limits.perMinute, duration: 60 });
    this.guessingLookups = new RateLimiterMemory({ points: limits.perMinuteWhileGuessing, duration: 60 });
  }

  /** Spends one look-up from the address's budget, or throws 429. Returns whether the address counts as guessing. */
  async spend(key: string): Promise<{ guessing: boolean }> {
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
  async fail(key: string): Promise<void> {
    const state = await this.failures.penalty(key, 1);
    if (state.consumedPoints > this.limits.maxFailures) throw new TooManyRequestsError(state.msBeforeNext / 1000);
  }

  private async isGuessing(key: string): Promise<boolean> {
    const state = await this.failures.get(key);
    return state !== null && state.consumedPoints >= this.limits.maxFailures;
  }
}
