// How a `where` or `orderBy` sees record values. The rules are stated once, in where.ts's
// header; this file holds the small, allocation-free primitives the compiled predicates call
// for every record.

/** A record value as a `where` sees it: text or a number; blanks and missing values are ''. */
export type Scalar = string | number;

/** A `@…@` literal: `iso` is set for a date and time, absent for a date alone. */
export interface TemporalValue {
  readonly kind: 'temporal';
  /** YYYY-MM-DD (for a date and time, its UTC date). */
  readonly date: string;
  /** YYYY-MM-DDThh:mm:ssZ, for a date and time. */
  readonly iso: string | undefined;
  readonly epochMs: number;
}

/** What an operand evaluates to: literals may be temporal, record values never are. */
export type Value = Scalar | TemporalValue;

/**
 * X3 keeps a blank as one space, JSON may leave the property out or send null, and a
 * dimensioned field arrives as an array whose first element is the one a `where` means.
 */
export function readValue(value: unknown): Scalar {
  if (typeof value === 'string') return value === ' ' ? '' : value;
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    if (typeof first === 'string') return first === ' ' ? '' : first;
    if (typeof first === 'number') return first;
  }
  return '';
}

/** The number a decimal string spells (`-12`, `210.00`), or NaN for any other text. */
export function numericValue(text: string): number {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const digitsStart = i;
  while (i < n && isDigitAt(text, i)) i++;
  if (i === digitsStart) return NaN;
  if (i < n) {
    if (text.charCodeAt(i) !== 46) return NaN;
    i++;
    const fractionStart = i;
    while (i < n && isDigitAt(text, i)) i++;
    if (i === fractionStart || i < n) return NaN;
  }
  return Number(text);
}

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

const sign = (d: number): number => (d < 0 ? -1 : d > 0 ? 1 : d === 0 ? 0 : NaN);

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders two scalars; NaN when they cannot be compared (a number against text that is not a
 * number), which makes eq, lt, le, gt and ge false and ne true.
 */
export function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === 'number') return sign(a - (typeof b === 'number' ? b : numericValue(b)));
  if (typeof b === 'number') return sign(numericValue(a) - b);
  return compareText(a, b);
}

// ---- dates and timestamps ----

/** 1 for YYYY-MM-DD, 2 for YYYY-MM-DDT…, 0 for anything else. */
function temporalShape(text: string): number {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return 0;
  // Unrolled: this runs once per record on every date filter.
  if (
    !isDigitAt(text, 0) ||
    !isDigitAt(text, 1) ||
    !isDigitAt(text, 2) ||
    !isDigitAt(text, 3) ||
    !isDigitAt(text, 5) ||
    !isDigitAt(text, 6) ||
    !isDigitAt(text, 8) ||
    !isDigitAt(text, 9)
  ) {
    return 0;
  }
  if (text.length === 10) return 1;
  return text.charCodeAt(10) === 84 ? 2 : 0;
}

/** YYYY-MM-DDThh:mm:ss(.fff)Z, the shape X3 and the simulator write. */
function isCanonicalUtc(text: string): boolean {
  const n = text.length;
  if (n < 20 || text.charCodeAt(n - 1) !== 90) return false;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  const c19 = text.charCodeAt(19);
  return n === 20 ? c19 === 90 : c19 === 46;
}

/**
 * YYYY-MM-DDThh:mm:ssZ by its punctuation. Digits are not checked: this runs per record on
 * every updatedSince query, and text with this exact punctuation but letters in place of
 * digits is not something X3 stores.
 */
export function looksWholeSecondUtc(text: string): boolean {
  return (
    text.length === 20 &&
    text.charCodeAt(19) === 90 &&
    text.charCodeAt(10) === 84 &&
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(13) === 58 &&
    text.charCodeAt(16) === 58
  );
}

/** A timestamp without a zone designator is taken as UTC, as X3 writes them. */
function timestampMs(text: string): number {
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/.test(text);
  return Date.parse(zoned ? text : `${text}Z`);
}

function comparePrefix(a: string, b: string, length: number): number {
  for (let i = 0; i < length; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Compares a timestamp's UTC date with a YYYY-MM-DD date. */
function compareTimestampDay(text: string, date: string): number {
  if (isCanonicalUtc(text)) return comparePrefix(text, date, 10);
  const ms = timestampMs(text);
  if (Number.isNaN(ms)) return NaN;
  return compareText(new Date(ms).toISOString().slice(0, 10), date);
}

/**
 * A record value against a `@…@` literal. A date alone stands for its whole (UTC) day: a
 * timestamp on that day is eq to it, lt means before the day began, gt after it ended. Two
 * timestamps compare in time. Anything that is not a date or timestamp cannot be compared.
 */
export function compareTemporal(value: Scalar, literal: TemporalValue): number {
  if (typeof value !== 'string') return NaN;
  // The shape X3 writes, against a date and time: plain text order is time order.
  if (literal.iso !== undefined && looksWholeSecondUtc(value)) {
    return compareText(value, literal.iso);
  }
  const shape = temporalShape(value);
  if (shape === 1) return compareText(value, literal.date);
  if (shape !== 2) return NaN;
  if (literal.iso === undefined) return compareTimestampDay(value, literal.date);
  if (isCanonicalUtc(value)) {
    // Same fixed-width shape on both sides: plain text order is time order.
    if (value.length === 20) return compareText(value, literal.iso);
    const head = comparePrefix(value, literal.iso, 19);
    if (head !== 0) return head;
    // Same second: any non-zero fraction puts the value after the literal.
    for (let i = 20; i < value.length - 1; i++) if (value.charCodeAt(i) !== 48) return 1;
    return 0;
  }
  return sign(timestampMs(value) - literal.epochMs);
}

/** Either side may be a literal; used where both operands are known without a record. */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'object') {
    if (typeof b === 'object') return compareTemporal(a.iso ?? a.date, b);
    return -compareTemporal(b, a);
  }
  if (typeof b === 'object') return compareTemporal(a, b);
  return compareScalars(a, b);
}

/** A value as text, for upper(), left() and like. */
export function valueText(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return value.iso ?? value.date;
}

// ---- functions and like ----

/** The first `count` characters (code points, so a surrogate pair is never split). */
export function leftChars(text: string, count: number): string {
  if (text.length <= count) return text;
  let units = 0;
  for (let taken = 0; taken < count && units < text.length; taken++) {
    const c = text.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < text.length ? 2 : 1;
  }
  return text.slice(0, units);
}

/**
 * A `like` pattern as a matcher: `%` matches any run of characters, everything else (`_`,
 * `.`, `*`, brackets) only itself, case-sensitively. No regular expression is built, so no
 * character in a pattern can act as one.
 */
export function compileLike(pattern: string): (text: string) => boolean {
  if (!pattern.includes('%')) return (text) => text === pattern;
  const parts = pattern.split('%');
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  const minLength = head.length + tail.length + middle.reduce((sum, p) => sum + p.length, 0);
  return (text) => {
    if (text.length < minLength || !text.startsWith(head) || !text.endsWith(tail)) return false;
    let at = head.length;
    const end = text.length - tail.length;
    // Leftmost matches are enough: with only `%`, an earlier match never blocks a later part.
    for (let k = 0; k < middle.length; k++) {
      const part = middle[k]!;
      const found = text.indexOf(part, at);
      if (found < 0 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
}

// ---- indexing and ordering ----

/**
 * A key under which a store can index a property so that every record a `PROP eq value`
 * matches is found under `equalityKey(value)`: blanks share '', numbers and decimal strings
 * share their numeric spelling (`210`, `"210.00"` → `210`). Some keys hold records that the
 * where then rejects (`'210.00'` quoted does not equal `"210"`); none is ever missed.
 */
export function equalityKey(value: unknown): string {
  const v = readValue(value);
  if (typeof v === 'number') return String(v);
  const n = numericValue(v);
  return Number.isNaN(n) ? v : String(n);
}

/**
 * A total order for sorting (the where comparison is not one: a number and a word do not
 * compare). Blanks first, then numbers and decimal strings by value, then other text by code
 * units. Values that tie (1 and "1.00") compare 0, so a stable sort keeps their order.
 */
export function orderCompare(a: unknown, b: unknown): number {
  const x = readValue(a);
  const y = readValue(b);
  const nx = typeof x === 'number' ? x : x === '' ? NaN : numericValue(x);
  const ny = typeof y === 'number' ? y : y === '' ? NaN : numericValue(y);
  const rx = nx === nx ? 1 : x === '' ? 0 : 2;
  const ry = ny === ny ? 1 : y === '' ? 0 : 2;
  if (rx !== ry) return rx < ry ? -1 : 1;
  if (rx === 1) return nx < ny ? -1 : nx > ny ? 1 : 0;
  return rx === 0 ? 0 : compareText(x as string, y as string);
}
