import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SDataSyntaxError, compareBy, parseOrderBy } from './order-by.js';

describe('parseOrderBy', () => {
  it('reads terms with directions in any case, asc by default', () => {
    expect(parseOrderBy('ORDDAT desc, SOHNUM')).toEqual([
      { property: 'ORDDAT', direction: 'desc' },
      { property: 'SOHNUM', direction: 'asc' },
    ]);
    expect(parseOrderBy('  A ASC,B Desc ,C  ')).toEqual([
      { property: 'A', direction: 'asc' },
      { property: 'B', direction: 'desc' },
      { property: 'C', direction: 'asc' },
    ]);
  });

  it.each<[string, number, RegExp]>([
    ['', 0, /empty/],
    ['   ', 0, /empty/],
    ['A descending', 2, /unknown direction 'descending' at position 2: expected asc or desc/],
    ['A up, B', 2, /unknown direction 'up'/],
    ['A,,B', 2, /expected a property name at position 2, found an empty term/],
    ['A,', 2, /found an empty term/],
    [', A', 0, /found an empty term/],
    ['A desc asc', 7, /expected ',' or the end of the orderBy value at position 7/],
    ['A B', 2, /unknown direction 'B'/],
    ["'A'", 0, /expected a property name at position 0, found the string/],
    ['A; drop', 1, /unexpected ';' at position 1/],
    ['_A', 0, /unexpected '_'/],
  ])('refuses %j', (text, position, message) => {
    let error: unknown;
    try {
      parseOrderBy(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SDataSyntaxError);
    expect((error as SDataSyntaxError).position).toBe(position);
    expect((error as SDataSyntaxError).message).toMatch(message);
  });

  it('refuses text over 4,000 characters', () => {
    expect(() => parseOrderBy(`A${', A'.repeat(1400)}`)).toThrow(/at most 4000/);
  });
});

const sortIds = (rows: Record<string, unknown>[], orderBy: string): unknown[] =>
  [...rows].sort(compareBy(parseOrderBy(orderBy))).map((r) => r.id);

describe('compareBy', () => {
  const rows = [
    { id: 1, CUR: 'GBP', AMT: '210.00' },
    { id: 2, CUR: 'EUR', AMT: 99.5 },
    { id: 3, CUR: 'GBP', AMT: 15 },
    { id: 4, CUR: 'EUR', AMT: '1000' },
    { id: 5, CUR: ' ', AMT: null },
  ];
  it('sorts by several terms, each in its own direction', () => {
    expect(sortIds(rows, 'CUR, AMT desc')).toEqual([5, 4, 2, 1, 3]);
    expect(sortIds(rows, 'CUR desc, AMT')).toEqual([3, 1, 2, 4, 5]);
  });

  it('orders numbers and decimal strings by value, blanks first, then other text', () => {
    const mixed = [
      { id: 'ten', V: '10' },
      { id: 'nine', V: 9 },
      { id: 'word', V: 'abc' },
      { id: 'blank', V: ' ' },
      { id: 'minus', V: '-2.5' },
      { id: 'upper', V: 'ABC' },
      { id: 'array', V: [9.5, 0] },
    ];
    expect(sortIds(mixed, 'V')).toEqual(['blank', 'minus', 'nine', 'array', 'ten', 'upper', 'word']);
    expect(sortIds(mixed, 'V desc')).toEqual(['word', 'upper', 'ten', 'array', 'nine', 'minus', 'blank']);
  });

  it('ties equal values across types, so a stable sort keeps input order', () => {
    const ties = [
      { id: 1, V: '1.00' },
      { id: 2, V: 1 },
      { id: 3, V: '1' },
      { id: 4, V: null },
      { id: 5 },
      { id: 6, V: '' },
    ];
    expect(sortIds(ties, 'V')).toEqual([4, 5, 6, 1, 2, 3]);
    expect(sortIds(ties, 'V desc')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sortIds(ties, 'MISSING')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('is a consistent total order over mixed values (antisymmetric and transitive)', () => {
    const value = fc.oneof(
      fc.integer({ min: -20, max: 20 }),
      fc.constantFrom('1', '1.0', '-3', '10', '9', '', ' ', 'a', 'B', 'b10', '2026-01-31', null),
      fc.string({ maxLength: 3 }),
    );
    const cmp = compareBy([{ property: 'V', direction: 'asc' }]);
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        const [x, y, z] = [{ V: a }, { V: b }, { V: c }];
        expect(Math.sign(cmp(x, y))).toBe(-Math.sign(cmp(y, x)) || 0);
        if (cmp(x, y) <= 0 && cmp(y, z) <= 0) expect(cmp(x, z)).toBeLessThanOrEqual(0);
        if (cmp(x, y) === 0 && cmp(y, z) === 0) expect(cmp(x, z)).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });
});
