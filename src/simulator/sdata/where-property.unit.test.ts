import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileWhere, parseWhere, whereProperties, type CompareOp } from './where.js';

/** The standard escaping a client uses: wrap in quotes, double every quote. */
const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

const blank = (v: unknown): boolean => v === null || v === undefined || v === '' || v === ' ';
const isDecimal = (s: string): boolean => /^-?\d+(\.\d+)?$/.test(s);

/** Independent statement of `PROP eq <string literal s>` for one record value. */
function equalsText(value: unknown, s: string): boolean {
  const v = Array.isArray(value) ? value[0] : value;
  if (blank(s)) return blank(v) || (typeof v !== 'string' && typeof v !== 'number');
  if (typeof v === 'string') return v === s;
  return typeof v === 'number' && isDecimal(s) && Number(s) === v;
}

// Pieces that would break a naive query builder, mixed with arbitrary text.
const hostile = fc
  .array(
    fc.constantFrom(
      "'",
      "''",
      '@',
      '@2026-01-01@',
      ')',
      '(',
      ' or ',
      ' OR ',
      ' and ',
      "' or 'a' eq 'a",
      "') or (1 eq 1",
      '%',
      '_',
      ' ',
      ',',
      'eq',
      'C0001',
      '1',
      '-1.50',
      '\\',
      '"',
      '\n',
      'é',
      '😀',
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));
const anyText = fc.oneof(hostile, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));

describe('string literals built by the standard escaping', () => {
  it('always parse, and PROP eq <literal> keeps exactly the records whose PROP equals the text', () => {
    fc.assert(
      fc.property(anyText, fc.array(anyText, { maxLength: 4 }), (s, others) => {
        const literal = quote(s);
        const expr = parseWhere(`PROP eq ${literal} and OTHER eq 1`);
        // The value stays one literal: the clause keeps its two conditions on its two properties.
        expect(expr.kind).toBe('and');
        expect(expr.kind === 'and' && expr.terms.length).toBe(2);
        expect(whereProperties(expr)).toEqual(['PROP', 'OTHER']);

        const only = compileWhere(parseWhere(`PROP eq ${literal}`));
        const values: unknown[] = [
          s,
          [s, 'x'],
          `${s}x`,
          `x${s}`,
          s.toUpperCase(),
          literal,
          ' ',
          '',
          null,
          undefined,
          0,
          1,
          -1.5,
          ...others,
        ];
        for (const value of values) {
          const record = value === undefined ? {} : { PROP: value };
          expect(only(record), JSON.stringify(value)).toBe(equalsText(value, s));
        }
        const like = compileWhere(parseWhere(`PROP like ${literal}`));
        if (!s.includes('%'))
          for (const value of [s, `${s}x`, ...others])
            expect(like({ PROP: value })).toBe(blank(s) ? blank(value) : value === s);
      }),
      { numRuns: 400 },
    );
  });
});

// Values drawn so that numbers, decimal strings, texts, blanks and dates all meet each other.
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -1.25, 100),
  fc.constantFrom('1', '1.00', '-3', '0.5', '10', '9', '100.00', 'abc', 'ABC', 'a b', '', ' ', "it's"),
  fc.constantFrom('2026-01-31', '2026-02-01', '2026-01-31T10:00:00Z', '2026-01-31T00:00:00.000Z'),
);
const literalOf = (v: string | number): string => (typeof v === 'number' ? String(v) : quote(v));
const ops: CompareOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const mirror: Record<CompareOp, CompareOp> = { eq: 'eq', ne: 'ne', lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' };

describe('every evaluation path agrees', () => {
  it('literal on the right, literal on the left, two properties and two literals give one answer', () => {
    fc.assert(
      fc.property(scalar, scalar, fc.constantFrom(...ops), (a, b, op) => {
        const lit = literalOf(b);
        const record = { P: a, Q: b };
        const expected = compileWhere(parseWhere(`P ${op} Q`))(record);
        expect(compileWhere(parseWhere(`P ${op} ${lit}`))(record)).toBe(expected);
        expect(compileWhere(parseWhere(`${lit} ${mirror[op]} P`))(record)).toBe(expected);
        expect(compileWhere(parseWhere(`${literalOf(a)} ${op} ${lit}`))({})).toBe(expected);
        expect(compileWhere(parseWhere(`P ${op} ${lit}`))({ P: [a] })).toBe(expected);
        if (op === 'eq') {
          expect(compileWhere(parseWhere(`P in (${lit})`))(record)).toBe(expected);
          expect(compileWhere(parseWhere(`P in ('zz', ${lit}, 'yy')`))(record)).toBe(expected);
          expect(compileWhere(parseWhere(`P between ${lit} and ${lit}`))(record)).toBe(expected);
        }
        if (op === 'ne') expect(compileWhere(parseWhere(`not P eq ${lit}`))(record)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('date filters take the same answer on the fast path and the general one', () => {
  it('PROP op @literal@ equals left(PROP, 99) op @literal@', () => {
    const stored = fc.oneof(
      fc
        .date({
          min: new Date('2025-12-30T00:00:00Z'),
          max: new Date('2026-01-02T00:00:00Z'),
          noInvalidDate: true,
        })
        .chain((d) =>
          fc.constantFrom(
            d.toISOString(),
            d.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            d.toISOString().slice(0, 10),
          ),
        ),
      fc.constantFrom(
        '2026-01-01T10:00:00+02:00',
        '2026-01-01T10:00:00',
        'abcd-ef-ghTij:kl:mnZ',
        ' ',
        'x',
        5,
      ),
    );
    const literal = fc.constantFrom(
      '@2025-12-31@',
      '@2026-01-01@',
      '@2026-01-01T00:00:00Z@',
      '@2026-01-01T08:00:00Z@',
      '@2025-12-31T23:59:59Z@',
    );
    fc.assert(
      fc.property(stored, literal, fc.constantFrom(...ops), (value, lit, op) => {
        const record = { P: value };
        const fast = compileWhere(parseWhere(`P ${op} ${lit}`))(record);
        const general = compileWhere(parseWhere(`left(P, 99) ${op} ${lit}`))(record);
        if (typeof value === 'string') expect(fast, `${value} ${op} ${lit}`).toBe(general);
        else expect(fast).toBe(op === 'ne');
      }),
      { numRuns: 1000 },
    );
  });
});
