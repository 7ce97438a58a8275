/**
 * Tolerant readers for X3 field values: numbers may be strings, blanks are one space, empty
 * dates are 1599-12-31, dimensioned fields are arrays or `NAME(i)` keys. Money stays the exact
 * decimal text X3 sent; it never goes through a float.
 */

export type X3Record = Readonly<Record<string, unknown>>;

const EMPTY_DATE = '1599-12-31';
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)$/;

/** Text, trailing padding removed; blank → null. */
export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return null;
  const s = String(value).trimEnd();
  return s.trim() === '' ? null : s;
}

/** A number from a number or a numeric string; blank or unparsable → null. */
export function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (s === '' || !DECIMAL.test(s)) return null;
  return Number(s);
}

/** An integer enum (local menu) value. */
export function int(value: unknown): number | null {
  const n = num(value);
  return n === null ? null : Math.trunc(n);
}

/**
 * Money as decimal text: a string is kept exactly as sent (trimmed, `+` dropped); a JSON number,
 * already parsed by JSON, is written back in its shortest exact form.
 */
export function money(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (s === '' || !DECIMAL.test(s)) return null;
  return s.startsWith('+') ? s.slice(1) : s;
}

/** `YYYY-MM-DD`, from a date, an ISO timestamp or `YYYYMMDD`; empty dates → null. */
export function date(value: unknown): string | null {
  const s = text(value);
  if (s === null) return null;
  let d: string | undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) d = s.slice(0, 10);
  else if (/^\d{8}$/.test(s)) d = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  if (d === undefined || d === EMPTY_DATE || d.startsWith('1599-') || Number.isNaN(Date.parse(d)))
    return null;
  return d;
}

/** ISO UTC timestamp; empty or invalid → null. */
export function timestamp(value: unknown): string | null {
  const s = text(value);
  if (s === null || s.startsWith('1599-')) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Yes/no local menu (1 = no, 2 = yes). */
export function yesNo(value: unknown): boolean | null {
  const n = int(value);
  if (n === 2) return true;
  if (n === 1) return false;
  if (typeof value === 'boolean') return value;
  return null;
}

/** Every element of a dimensioned field, from an array, `NAME(i)` keys or a lone scalar. */
export function dimension(record: X3Record, name: string): unknown[] {
  const value = record[name];
  if (Array.isArray(value)) return value;
  const indexed: unknown[] = [];
  const prefix = `${name}(`;
  for (const [key, v] of Object.entries(record)) {
    if (!key.startsWith(prefix) || !key.endsWith(')')) continue;
    const index = Number(key.slice(prefix.length, -1));
    if (Number.isInteger(index) && index >= 0) indexed[index] = v;
  }
  if (indexed.length > 0) return Array.from(indexed, (v) => v);
  return value === undefined ? [] : [value];
}

/** Non-blank text elements of a dimensioned field. */
export function textLines(record: X3Record, name: string): string[] {
  return dimension(record, name)
    .map(text)
    .filter((s): s is string => s !== null);
}

/** The `$title` of a reference's `X_REF` companion. */
export function refTitle(record: X3Record, name: string): string | null {
  const ref = record[`${name}_REF`];
  if (ref !== null && typeof ref === 'object' && '$title' in ref)
    return text((ref as Record<string, unknown>).$title);
  return null;
}

/** Embedded lines, tolerating absence or a non-array. */
export function lines(record: X3Record, name: string): X3Record[] {
  const value = record[name];
  return Array.isArray(value) ? value.filter((l): l is X3Record => l !== null && typeof l === 'object') : [];
}

export function enumValue<T extends string>(map: Readonly<Record<number, T>>, value: unknown): T | null {
  const n = int(value);
  return n === null ? null : (map[n] ?? null);
}

/** Exact decimal arithmetic on money strings (sums of debits and credits, differences). */
export function addMoney(values: ReadonlyArray<string | null>, negate: ReadonlyArray<boolean> = []): string {
  let scale = 0;
  for (const v of values) if (v !== null) scale = Math.max(scale, (v.split('.')[1] ?? '').length);
  let total = 0n;
  values.forEach((v, i) => {
    if (v === null) return;
    const negative = v.startsWith('-');
    const [whole = '0', frac = ''] = v.replace(/^[-+]/, '').split('.');
    const units = BigInt((whole || '0') + frac.padEnd(scale, '0'));
    total += (negative !== (negate[i] ?? false) ? -1n : 1n) * units;
  });
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const result = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${result}` : result;
}

/** Attaches the untouched X3 record as a non-enumerable `raw` (kept out of JSON and spreads). */
export function withRaw<T extends object>(model: T, raw: X3Record): T & { readonly raw: X3Record } {
  Object.defineProperty(model, 'raw', {
    value: raw,
    enumerable: false,
    writable: false,
    configurable: false,
  });
  return model as T & { readonly raw: X3Record };
}
