/**
 * The parts every normalized model shares, so a resource's mapper lists only its own fields:
 * records end with their audit timestamps, embedded lines with X3's line id, and both keep the
 * untouched X3 record under a non-enumerable `raw`.
 */
import { addMoney, text, timestamp, withRaw, type X3Record } from '../sdata/normalize.js';

export interface Audited {
  createdAt: string | null;
  updatedAt: string | null;
}

/** A record's model: `fields`, then `createdAt` / `updatedAt` (CREDATTIM, UPDDATTIM), with `raw`. */
export function recordModel<T extends object>(
  raw: X3Record,
  fields: T,
): T & Audited & { readonly raw: X3Record } {
  return withRaw(
    { ...fields, createdAt: timestamp(raw.CREDATTIM), updatedAt: timestamp(raw.UPDDATTIM) },
    raw,
  );
}

/** An embedded line's model: `fields`, then X3's line id as `uuid` (needed to change it), with `raw`. */
export function lineModel<T extends object>(
  raw: X3Record,
  fields: T,
): T & { uuid: string | null; readonly raw: X3Record } {
  return withRaw({ ...fields, uuid: text(raw.$uuid) }, raw);
}

/** Exact difference of quantities that may carry decimals (no float drift). */
export function subtractQuantities(a: number, ...rest: number[]): number {
  return Number(addMoney([String(a), ...rest.map(String)], [false, ...rest.map(() => true)]));
}
