/**
 * Short per-call deadlines. undici's own headersTimeout and bodyTimeout run on a coarse clock
 * (about a second), so for short deadlines the client aborts late exchanges itself. One
 * interval per client sweeps the calls in flight, as a timer or an AbortController per call
 * costs a measurable share of a fast read. undici takes any EventEmitter-shaped object as its
 * `signal`.
 */
export class Deadline {
  aborted = false;
  readonly at: number;
  readonly #listeners: Array<() => void> = [];

  constructor(at: number) {
    this.at = at;
  }

  on(_event: 'abort', listener: () => void): this {
    this.#listeners.push(listener);
    return this;
  }

  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }

  removeListener(_event: 'abort', listener: () => void): this {
    const index = this.#listeners.indexOf(listener);
    if (index >= 0) this.#listeners.splice(index, 1);
    return this;
  }

  /** @internal */
  expire(): void {
    this.aborted = true;
    for (const listener of this.#listeners.splice(0)) listener();
  }
}

export class DeadlineWatch {
  readonly #resolutionMs: number;
  readonly #live = new Set<Deadline>();
  #timer: NodeJS.Timeout | undefined;

  /** `resolutionMs`: how late past its deadline a call may be aborted. */
  constructor(resolutionMs: number) {
    this.#resolutionMs = resolutionMs;
  }

  start(ms: number): Deadline {
    const deadline = new Deadline(performance.now() + ms);
    this.#live.add(deadline);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#sweep(), this.#resolutionMs);
      // Calls in flight keep the process alive through their sockets; the sweeper must not.
      this.#timer.unref();
    }
    return deadline;
  }

  release(deadline: Deadline): void {
    this.#live.delete(deadline);
  }

  #sweep(): void {
    if (this.#live.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const now = performance.now();
    for (const deadline of this.#live) {
      if (now >= deadline.at) {
        this.#live.delete(deadline);
        deadline.expire();
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
