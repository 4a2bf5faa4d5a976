/** A counting semaphore whose waiters are served strictly first in, first out. */
export class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`semaphore limit must be an integer >= 1, got ${limit}`);
  }

  /** Number of permits in use. */
  get inUse(): number {
    return this.active;
  }

  /** Number of callers waiting for a permit. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Waits for a permit; resolves to a release function that must be called exactly once. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.active++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.active--;
          const next = this.queue.shift();
          if (next) next();
        });
      };
      if (this.active < this.limit && this.queue.length === 0) grant();
      else this.queue.push(grant);
    });
  }

  /** Runs `fn` holding one permit. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
