import type { Clock } from './clock.js';
import { Semaphore } from './semaphore.js';

/**
 * A token bucket refilled continuously at `perMinute / 60_000` tokens per millisecond, holding at
 * most `burst` tokens (default: one second's worth, at least 1), starting full.
 *
 * `take(n)` waits (FIFO) until the bucket holds `min(n, burst)` tokens and then removes `n`: a
 * request larger than the burst may drive the bucket negative, which delays later requests, so
 * the long-run rate never exceeds `perMinute`. `correct(extraUsed)` fixes an estimate after the
 * fact (e.g. actual token usage reported by the server).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly ratePerMs: number;
  readonly burst: number;
  private readonly gate = new Semaphore(1);

  constructor(
    readonly perMinute: number,
    private readonly clock: Clock,
    burst?: number,
  ) {
    if (!(perMinute > 0) || !Number.isFinite(perMinute))
      throw new RangeError(`rate limit must be a positive number per minute, got ${perMinute}`);
    this.ratePerMs = perMinute / 60_000;
    this.burst = burst ?? Math.max(1, perMinute / 60);
    this.tokens = this.burst;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.ratePerMs);
      this.last = now;
    }
  }

  /** Tokens currently available (may be negative after an oversized take). */
  get available(): number {
    this.refill();
    return this.tokens;
  }

  /** Waits until `n` tokens may be taken, then takes them. Returns the time waited in ms. */
  async take(n: number): Promise<number> {
    const cost = Math.max(0, n);
    return this.gate.run(async () => {
      let waited = 0;
      const need = Math.min(cost, this.burst);
      for (;;) {
        this.refill();
        if (this.tokens >= need) break;
        const ms = Math.max(1, Math.ceil((need - this.tokens) / this.ratePerMs));
        waited += ms;
        await this.clock.sleep(ms);
      }
      this.tokens -= cost;
      return waited;
    });
  }

  /**
   * Corrects an earlier estimate: `extraUsed` > 0 removes more tokens (the request used more than
   * estimated), < 0 gives some back.
   */
  correct(extraUsed: number): void {
    this.refill();
    this.tokens = Math.min(this.burst, this.tokens - extraUsed);
  }
}
