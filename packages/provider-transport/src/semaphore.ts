/** A counting semaphore whose waiters are served strictly first in, first out. */
export class Semaphore {
  private active = 0;
  /** Waiters from `head` on (a consumed prefix is dropped once it is long: no O(n) shift per release). */
  private queue: (() => void)[] = [];
  private head = 0;

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
    return this.queue.length - this.head;
  }

  /** Waits for a permit; resolves to a release function that must be called exactly once. */
  acquire(): Promise<() => void> {
    if (this.active < this.limit && this.waiting === 0) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      this.queue.push(() => {
        this.active++;
        resolve(this.releaser());
      });
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.next();
    };
  }

  private next(): void {
    if (this.head >= this.queue.length) return;
    const grant = this.queue[this.head] as () => void;
    this.queue[this.head] = noop;
    this.head++;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    grant();
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

function noop(): void {}
