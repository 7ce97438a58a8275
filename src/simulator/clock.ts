// A clock the tests can hold still or move, so token expiry and audit stamps are deterministic.
export interface SimulatorClock {
  now(): Date;
  /** Fix the clock at this instant (it stays there until moved). */
  set(instant: Date | string | number): void;
  /** Move the clock forward; a running clock keeps running from the new point. */
  advance(ms: number): void;
}

export function createClock(fixed?: Date | string | number): SimulatorClock {
  let fixedAt: number | undefined = fixed === undefined ? undefined : new Date(fixed).getTime();
  let offset = 0;
  return {
    now: () => new Date(fixedAt ?? Date.now() + offset),
    set(instant) {
      fixedAt = new Date(instant).getTime();
    },
    advance(ms) {
      if (fixedAt !== undefined) fixedAt += ms;
      else offset += ms;
    },
  };
}
