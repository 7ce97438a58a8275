/**
 * A FIFO mutex. PGlite is one Postgres session: whoever holds the gate owns that session
 * until release, so two transactions can never interleave their statements on it.
 */
export class Gate {
  /**
   * Called when a caller has waited `slowWaitMs`: on one session, a query on the main handle
   * from inside an open transaction waits for itself forever, and this is how it shows.
   */
  constructor(
    private readonly options: { slowWaitMs?: number; onSlowWait?: (waitedMs: number) => void } = {},
  ) {}

  #held = false;
  #waiters: Array<() => void> = [];

  get held(): boolean {
    return this.#held;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** Resolves with a release function once the caller owns the gate. Release is idempotent. */
  async acquire(): Promise<() => void> {
    if (this.#held) {
      const { onSlowWait, slowWaitMs = 15_000 } = this.options;
      const timer = onSlowWait ? setTimeout(() => onSlowWait(slowWaitMs), slowWaitMs) : null;
      timer?.unref();
      try {
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
      } finally {
        if (timer) clearTimeout(timer);
      }
    }
    this.#held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      // Ownership passes straight to the next waiter, so no newcomer can slip in between.
      if (next) next();
      else this.#held = false;
    };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
