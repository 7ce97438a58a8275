/**
 * Slots for X3 creates per connection, with a bounded wait. The X3 client queues calls without
 * a time bound; taking a slot here first means a create that waited too long is known never to
 * have been handed to the client, so the attempt can end unsent instead of uncertain.
 */
export class CreateGate {
  readonly #slots = new Map<string, { busy: number; waiting: Array<() => void> }>();

  /** Resolves with a release function, or null when no slot freed up within `waitMs`. */
  async acquire(key: string, limit: number, waitMs: number): Promise<(() => void) | null> {
    let s = this.#slots.get(key);
    if (!s) this.#slots.set(key, (s = { busy: 0, waiting: [] }));
    const slot = s;
    if (slot.busy < limit) {
      slot.busy++;
      return this.#releaser(key, slot);
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        slot.busy++;
        resolve(this.#releaser(key, slot));
      };
      const timer = setTimeout(() => {
        const i = slot.waiting.indexOf(wake);
        if (i >= 0) slot.waiting.splice(i, 1);
        resolve(null);
      }, waitMs);
      timer.unref?.();
      slot.waiting.push(wake);
    });
  }

  #releaser(key: string, slot: { busy: number; waiting: Array<() => void> }): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      slot.busy--;
      const next = slot.waiting.shift();
      if (next) next();
      else if (slot.busy === 0) this.#slots.delete(key);
    };
  }
}
