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
