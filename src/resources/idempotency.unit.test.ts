import { describe, expect, it } from 'vitest';
import { claimWindowMs, createWorstCaseMs } from './idempotency.js';

describe('claim window', () => {
  it('outlasts the worst case of one create: slot wait, token, the POST, and the 401 replay', () => {
    for (const timeoutMs of [undefined, 1_000, 120_000, 300_000]) {
      const settings = timeoutMs === undefined ? {} : { timeoutMs };
      const writeMs = timeoutMs ?? 120_000;
      expect(createWorstCaseMs(settings)).toBeGreaterThan(2 * writeMs);
      expect(claimWindowMs(settings)).toBeGreaterThan(createWorstCaseMs(settings));
    }
  });

  it('grows with the connection timeout, past the five minutes a slow X3 needs', () => {
    expect(claimWindowMs({ timeoutMs: 300_000 })).toBeGreaterThan(claimWindowMs({}));
    expect(claimWindowMs({ timeoutMs: 300_000 }) - claimWindowMs({ timeoutMs: 120_000 })).toBe(2 * 180_000);
    expect(claimWindowMs({})).toBeGreaterThan(5 * 60_000);
  });
});
