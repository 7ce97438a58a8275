import { X3InvalidInputError } from '../errors.js';

/**
 * A typed builder for SData `where` clauses. Every user value becomes exactly one literal
 * (strings quoted with inner quotes doubled, numbers checked finite, dates as `@…@`), and
 * property names are checked against X3's naming rule, so no value can change the shape of the
 * query. This is the only place the client turns values into query text.
 *
 * @example
 *   w.and(w.eq('BPCORD', 'C0001'), w.ge('UPDDATTIM', new Date('2026-01-01T00:00:00Z')))
 *   // BPCORD eq 'C0001' and UPDDATTIM ge @2026-01-01T00:00:00Z@
 */

const PROPERTY = /^[A-Z][A-Z0-9_]*$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A piece of where text produced by the builder; cannot be made from a plain string. */
export class WhereExpr {
  readonly #text: string;
  /** `atom` expressions can be combined by `and`/`or` without parentheses. */
  readonly #atom: boolean;
  private constructor(text: string, atom: boolean) {
    this.#text = text;
    this.#atom = atom;
  }
  /** @internal */
  static make(text: string, atom: boolean): WhereExpr {
    return new WhereExpr(text, atom);
  }
  get atomic(): boolean {
    return this.#atom;
  }
  toString(): string {
    return this.#text;
  }
}

/** An operand: a property, or a function of one. */
export class WhereOperand {
  readonly #text: string;
  private constructor(text: string) {
    this.#text = text;
  }
  /** @internal */
  static make(text: string): WhereOperand {
    return new WhereOperand(text);
  }
  toString(): string {
    return this.#text;
  }
}

/** A `like` pattern whose wildcards were put there on purpose. */
export class LikePattern {
  readonly #text: string;
  private constructor(text: string) {
    this.#text = text;
  }
  /** @internal */
  static make(text: string): LikePattern {
    return new LikePattern(text);
  }
  toString(): string {
    return this.#text;
  }
}

/** A date-only value: `new DateOnly('2026-12-07')` is written `@2026-12-07@`. */
export class DateOnly {
  readonly value: string;
  constructor(value: string) {
    if (!DATE_ONLY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
      throw new X3InvalidInputError(`"${value}" is not a date (YYYY-MM-DD).`);
    }
    this.value = value;
  }
}

export type WhereValue = string | number | boolean | Date | DateOnly;
type Operand = string | WhereOperand;

function property(name: string): string {
  if (typeof name !== 'string' || !PROPERTY.test(name)) {
    throw new X3InvalidInputError(
      `"${String(name)}" is not an X3 property name (upper-case letters, digits, _).`,
    );
  }
  return name;
}

function operand(op: Operand): string {
  return op instanceof WhereOperand ? op.toString() : property(op);
}

/** Formats one value as a single SData literal. */
export function literal(value: WhereValue): string {
  if (value instanceof DateOnly) return `@${value.value}@`;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new X3InvalidInputError('An invalid date cannot be used in a filter.');
    // Whole seconds: the literal grammar has no fractional part.
    return `@${value.toISOString().replace(/\.\d{3}Z$/, 'Z')}@`;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new X3InvalidInputError('A filter number must be finite.');
    // Plain decimal notation: exponents are not in the grammar.
    const text = Number.isInteger(value) ? value.toFixed(0) : String(value);
    if (/e/i.test(text))
      throw new X3InvalidInputError(`The number ${text} cannot be written without an exponent.`);
    return text;
  }
  if (typeof value === 'boolean') return value ? '2' : '1';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  throw new X3InvalidInputError('Unsupported filter value.');
}

function cmp(op: string) {
  return (left: Operand, value: WhereValue): WhereExpr =>
    WhereExpr.make(`${operand(left)} ${op} ${literal(value)}`, true);
}

function join(word: 'and' | 'or', parts: WhereExpr[]): WhereExpr {
  const present = parts.filter((p): p is WhereExpr => p instanceof WhereExpr);
  if (present.length === 0) throw new X3InvalidInputError(`"${word}" needs at least one condition.`);
  if (present.length === 1) return present[0]!;
  return WhereExpr.make(
    present.map((p) => (p.atomic ? p.toString() : `(${p.toString()})`)).join(` ${word} `),
    false,
  );
}

/**
 * X3's `like` has no escape character, so a `%` in a user's term would act as a wildcard: such
 * terms are refused. `_` is let through: X3 REST treats it as itself; should a database under
 * X3 read it as a one-character wildcard, that can only widen a search, never hide a match.
 */
function refuseWildcards(term: string): string {
  if (term.includes('%')) {
    throw new X3InvalidInputError(
      'A search term cannot contain "%": X3\'s like has no escape character for it.',
    );
  }
  return term;
}

export const w = {
  eq: cmp('eq'),
  ne: cmp('ne'),
  lt: cmp('lt'),
  le: cmp('le'),
  gt: cmp('gt'),
  ge: cmp('ge'),
  between(left: Operand, low: WhereValue, high: WhereValue): WhereExpr {
    return WhereExpr.make(`${operand(left)} between ${literal(low)} and ${literal(high)}`, false);
  },
  in(left: Operand, values: readonly WhereValue[]): WhereExpr {
    if (values.length === 0) throw new X3InvalidInputError('"in" needs at least one value.');
    return WhereExpr.make(`${operand(left)} in (${values.map(literal).join(', ')})`, true);
  },
  /**
   * A string pattern is taken as written, wildcards included (quotes are still escaped). Put a
   * user's term in with `w.pattern.contains(term)`, which refuses `%`.
   */
  like(left: Operand, pattern: LikePattern | string): WhereExpr {
    return WhereExpr.make(`${operand(left)} like ${literal(pattern.toString())}`, true);
  },
  and(...parts: WhereExpr[]): WhereExpr {
    return join('and', parts);
  },
  or(...parts: WhereExpr[]): WhereExpr {
    return join('or', parts);
  },
  not(expr: WhereExpr): WhereExpr {
    return WhereExpr.make(`not (${expr.toString()})`, true);
  },
  upper(op: Operand): WhereOperand {
    return WhereOperand.make(`upper(${operand(op)})`);
  },
  left(op: Operand, length: number): WhereOperand {
    if (!Number.isInteger(length) || length < 1)
      throw new X3InvalidInputError('left() needs a positive length.');
    return WhereOperand.make(`left(${operand(op)}, ${length})`);
  },
  /** `@YYYY-MM-DD@` rather than a timestamp. */
  date(value: string | Date): DateOnly {
    return new DateOnly(typeof value === 'string' ? value : value.toISOString().slice(0, 10));
  },
  /** Patterns for `like` from a user's term; a term containing `%` is refused. */
  pattern: {
    contains: (term: string) => LikePattern.make(`%${refuseWildcards(term)}%`),
    startsWith: (term: string) => LikePattern.make(`${refuseWildcards(term)}%`),
    endsWith: (term: string) => LikePattern.make(`%${refuseWildcards(term)}`),
    /** A pattern with deliberate wildcards; quotes are still escaped when it is written. */
    raw: (pattern: string) => LikePattern.make(pattern),
  },
} as const;

export type WhereBuilder = typeof w;

/** Joins optional conditions with `and`; undefined when there are none. */
export function allOf(parts: ReadonlyArray<WhereExpr | undefined>): WhereExpr | undefined {
  const present = parts.filter((p): p is WhereExpr => p !== undefined);
  return present.length === 0 ? undefined : join('and', present);
}
