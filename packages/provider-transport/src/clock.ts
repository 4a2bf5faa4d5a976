/**
 * Time source for backoff sleeps, Retry-After dates, rate limits and replica cool-downs.
 * Tests pass a fake clock so waits are observed without really waiting. Per-attempt
 * timeouts always use real timers (they guard real sockets).
 */
export interface Clock {
  /** Milliseconds since the epoch (used to evaluate HTTP-date `Retry-After` values too). */
  now(): number;
  /** Resolves after `ms` milliseconds (or at once for ms <= 0). */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()),
};

/**
 * A manual clock for tests: `sleep` advances `now` by the requested time at once and records it.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current = Date.UTC(2025, 0, 1)) {}
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    const d = Math.max(0, ms);
    this.sleeps.push(d);
    this.current += d;
    await Promise.resolve();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
