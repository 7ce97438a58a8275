// Small value helpers shared by the seed data, the business rules and the envelopes.
import { createHash } from 'node:crypto';

/** A UUID-shaped value derived from the text, so the same record always gets the same `$uuid`. */
export function stableUuid(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Money as X3 sends it: a decimal string with two places, computed in integer pence. */
export function money(value: number): string {
  return (Math.round(value * 100) / 100).toFixed(2);
}

export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return NaN;
}

export const BLANK = ' ';
export const EMPTY_DATE = '1599-12-31';

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDate(d);
}

export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** Deterministic pseudo-random numbers (mulberry32): the same seed gives the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
