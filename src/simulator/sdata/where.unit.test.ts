import { describe, expect, it } from 'vitest';
import {
  compileWhere,
  evaluateWhere,
  parseWhere,
  requiredEqualities,
  whereProperties,
  wherePropertyUses,
  equalityKey,
} from './where.js';

type Rec = Record<string, unknown>;

/** Ids of the records a clause keeps, through both public evaluation paths. */
function keep(where: string, records: Rec[]): unknown[] {
  const expr = parseWhere(where);
  const compiled = compileWhere(expr);
  const viaCompiled = records.filter((r) => compiled(r)).map((r) => r.id);
  const viaEvaluate = records.filter((r) => evaluateWhere(expr, r)).map((r) => r.id);
  expect(viaEvaluate).toEqual(viaCompiled);
  return viaCompiled;
}

const one = (where: string, record: Rec): boolean => evaluateWhere(parseWhere(where), record);

describe('comparison operators', () => {
  const rows = [1, 2, 3].map((n) => ({ id: n, N: n, S: `S${n}` }));
  it.each([
    ['N eq 2', [2]],
    ['N ne 2', [1, 3]],
    ['N lt 2', [1]],
    ['N le 2', [1, 2]],
    ['N gt 2', [3]],
    ['N ge 2', [2, 3]],
    ["S eq 'S2'", [2]],
    ["S ne 'S2'", [1, 3]],
    ["S lt 'S2'", [1]],
    ["S le 'S2'", [1, 2]],
    ["S gt 'S2'", [3]],
    ["S ge 'S2'", [2, 3]],
    ['N between 2 and 3', [2, 3]],
    ["S between 'S1' and 'S2'", [1, 2]],
    ['N in (1, 3, 7)', [1, 3]],
    ["S in ('S3', 'S9')", [3]],
    ["S like 'S%'", [1, 2, 3]],
  ])('%s', (where, ids) => {
    expect(keep(where, rows)).toEqual(ids);
  });

  it('accepts the literal on either side, mirroring the operator', () => {
    expect(keep('2 lt N', rows)).toEqual([3]);
    expect(keep('2 ge N', rows)).toEqual([1, 2]);
    expect(keep("'S2' eq S", rows)).toEqual([2]);
  });

  it('compares two properties of the same record', () => {
    const r = [
      { id: 1, A: 1, B: 2 },
      { id: 2, A: 5, B: 2 },
      { id: 3, A: 2, B: '2.00' },
    ];
    expect(keep('A lt B', r)).toEqual([1]);
    expect(keep('A eq B', r)).toEqual([3]);
  });

  it('folds a clause made of literals only', () => {
    expect(one('1 eq 1', {})).toBe(true);
    expect(one("'a' gt 'b'", {})).toBe(false);
    expect(one("upper('ab') eq 'AB'", {})).toBe(true);
    expect(one('@2026-01-31@ between @2026-01-01@ and @2026-02-01@', {})).toBe(true);
    expect(one("'x' in ('y', 'x')", {})).toBe(true);
    expect(one("'abc' like 'a%'", {})).toBe(true);
  });
});

describe('keywords, precedence and grouping', () => {
  const rows = [
    { id: 1, A: 1, B: 0, C: 0 },
    { id: 2, A: 0, B: 1, C: 0 },
    { id: 3, A: 0, B: 1, C: 1 },
    { id: 4, A: 1, B: 1, C: 1 },
  ];
  it('binds and tighter than or', () => {
    expect(keep('A eq 1 or B eq 1 and C eq 1', rows)).toEqual([1, 3, 4]);
    expect(keep('B eq 1 and C eq 1 or A eq 1', rows)).toEqual([1, 3, 4]);
  });
  it('lets parentheses override precedence', () => {
    expect(keep('(A eq 1 or B eq 1) and C eq 1', rows)).toEqual([3, 4]);
  });
  it('applies not to the factor that follows only', () => {
    expect(keep('not A eq 1 and B eq 1', rows)).toEqual([2, 3]);
    expect(keep('not (A eq 1 and B eq 1)', rows)).toEqual([1, 2, 3]);
  });
  it('reads keywords in any case and property names as written', () => {
    expect(keep('A EQ 1 Or B Eq 1 AND c eq 1', rows)).toEqual([1, 4]);
    expect(keep('NOT A eq 1', rows)).toEqual([2, 3]);
    expect(keep('a eq 1', rows)).toEqual([]);
  });
  it('chains many terms without nesting them', () => {
    const clause = Array.from({ length: 200 }, (_, i) => `A eq ${i + 10}`).join(' or ') + ' or B eq 1';
    expect(keep(clause, rows)).toEqual([2, 3, 4]);
  });
});

describe('values', () => {
  it("undoubles '' inside strings", () => {
    const rows = [
      { id: 1, N: "O'Brien" },
      { id: 2, N: 'OBrien' },
    ];
    expect(keep("N eq 'O''Brien'", rows)).toEqual([1]);
    expect(keep("N eq ''''", [{ id: 1, N: "'" }])).toEqual([1]);
  });

  it('compares numbers with decimal strings by value', () => {
    const rows = [
      { id: 1, AMT: '210.00' },
      { id: 2, AMT: '99.5' },
      { id: 3, AMT: 100 },
      { id: 4, AMT: '-3' },
      { id: 5, AMT: 'n/a' },
    ];
    expect(keep('AMT gt 100', rows)).toEqual([1]);
    expect(keep('AMT eq 210', rows)).toEqual([1]);
    expect(keep('AMT between -5 and 99.5', rows)).toEqual([2, 4]);
    expect(keep('AMT ne 100', rows)).toEqual([1, 2, 4, 5]);
  });

  it('compares two texts as text, even when they look like numbers', () => {
    const rows = [
      { id: 1, AMT: '210.00' },
      { id: 2, AMT: '99.5' },
    ];
    expect(keep("AMT gt '100'", rows)).toEqual([1, 2]);
    expect(keep("AMT eq '210'", rows)).toEqual([]);
  });

  it('matches a quoted enum against a number', () => {
    const rows = [
      { id: 1, ORDSTA: 1 },
      { id: 2, ORDSTA: 2 },
      { id: 3, ORDSTA: '1' },
    ];
    expect(keep("ORDSTA eq '1'", rows)).toEqual([1, 3]);
    expect(keep("ORDSTA ne '1'", rows)).toEqual([2]);
    expect(keep("ORDSTA in ('2')", rows)).toEqual([2]);
    expect(keep('ORDSTA eq 1', rows)).toEqual([1, 3]);
    expect(
      keep('SNS eq -1', [
        { id: 1, SNS: -1 },
        { id: 2, SNS: 1 },
      ]),
    ).toEqual([1]);
  });

  it('treats null, missing, empty and one space as the same blank', () => {
    const rows = [
      { id: 1, V: null },
      { id: 2 },
      { id: 3, V: '' },
      { id: 4, V: ' ' },
      { id: 5, V: '  ' },
      { id: 6, V: 'x' },
      { id: 7, V: 0 },
      { id: 8, V: [' ', 'second'] },
    ];
    expect(keep("V eq ''", rows)).toEqual([1, 2, 3, 4, 8]);
    expect(keep("V eq ' '", rows)).toEqual([1, 2, 3, 4, 8]);
    expect(keep("V ne ''", rows)).toEqual([5, 6, 7]);
    expect(keep('V eq 0', rows)).toEqual([7]);
    expect(keep('V lt 1', rows)).toEqual([7]);
  });

  it('reads a dimensioned field as its first element', () => {
    const rows = [
      { id: 1, BPCNAM: ['Aldgate Packaging', 'Ltd'] },
      { id: 2, BPCNAM: ['Ltd', 'Aldgate Packaging'] },
      { id: 3, DEBLED: [150, 0] },
      { id: 4, BPCNAM: [] },
    ];
    expect(keep("BPCNAM eq 'Aldgate Packaging'", rows)).toEqual([1]);
    expect(keep("BPCNAM ne 'Aldgate Packaging'", rows)).toEqual([2, 3, 4]);
    expect(keep("upper(BPCNAM) like 'ALD%'", rows)).toEqual([1]);
    expect(keep('DEBLED gt 100', rows)).toEqual([3]);
    expect(keep("BPCNAM in ('Ltd', 'x')", rows)).toEqual([2]);
  });

  it('cannot compare a number with a word: only ne holds', () => {
    const r = { N: 5 };
    expect(one("N eq 'five'", r)).toBe(false);
    expect(one("N lt 'five'", r)).toBe(false);
    expect(one("N gt 'five'", r)).toBe(false);
    expect(one("N ne 'five'", r)).toBe(true);
    expect(one("N between 'a' and 'z'", r)).toBe(false);
  });
});

describe('dates and timestamps', () => {
  const rows = [
    { id: 1, D: '2026-01-30', T: '2026-01-30T23:59:59Z' },
    { id: 2, D: '2026-01-31', T: '2026-01-31T00:00:00Z' },
    { id: 3, D: '2026-01-31', T: '2026-01-31T17:45:10.250Z' },
    { id: 4, D: '2026-02-01', T: '2026-02-01T00:00:00.000Z' },
    { id: 5, D: '1599-12-31', T: '2026-01-31T18:00:00+02:00' },
    { id: 6, D: ' ', T: null },
  ];
  it('compares date literals with dates', () => {
    expect(keep('D eq @2026-01-31@', rows)).toEqual([2, 3]);
    expect(keep('D lt @2026-01-31@', rows)).toEqual([1, 5]);
    expect(keep('D ge @2026-01-31@', rows)).toEqual([2, 3, 4]);
    expect(keep('D between @2026-01-31@ and @2026-02-28@', rows)).toEqual([2, 3, 4]);
    expect(keep('D in (@2026-01-30@, @2026-02-01@)', rows)).toEqual([1, 4]);
  });
  it('takes a date literal against a timestamp as the whole UTC day', () => {
    expect(keep('T eq @2026-01-31@', rows)).toEqual([2, 3, 5]);
    expect(keep('T lt @2026-01-31@', rows)).toEqual([1]);
    expect(keep('T gt @2026-01-31@', rows)).toEqual([4]);
    expect(keep('T le @2026-01-31@', rows)).toEqual([1, 2, 3, 5]);
    expect(keep('T ne @2026-01-31@', rows)).toEqual([1, 4, 6]);
  });
  it('compares datetime literals with timestamps in time, fractions and offsets included', () => {
    expect(keep('T gt @2026-01-31T00:00:00Z@', rows)).toEqual([3, 4, 5]);
    expect(keep('T eq @2026-01-31T16:00:00Z@', rows)).toEqual([5]);
    expect(keep('T ge @2026-01-31T17:45:10Z@', rows)).toEqual([3, 4]);
    expect(keep('T eq @2026-01-31T17:45:10Z@', rows)).toEqual([]);
    expect(keep('T eq @2026-02-01T00:00:00Z@', rows)).toEqual([4]);
  });
  it('takes a datetime literal against a date alone as that day', () => {
    expect(keep('D eq @2026-01-31T12:00:00Z@', rows)).toEqual([2, 3]);
    expect(keep('D gt @2026-01-31T12:00:00Z@', rows)).toEqual([4]);
  });
  it('reads a timestamp without a zone as UTC', () => {
    expect(one('T eq @2026-01-31T08:00:00Z@', { T: '2026-01-31T08:00:00' })).toBe(true);
  });
  it('never matches a blank or a non-date value against a date, except with ne', () => {
    expect(one('T lt @2030-01-01@', { T: null })).toBe(false);
    expect(one('T lt @2030-01-01@', { T: 'soon' })).toBe(false);
    expect(one('T lt @2030-01-01@', { T: 20250101 })).toBe(false);
    expect(one('T ne @2030-01-01@', { T: 'soon' })).toBe(true);
  });
  it('accepts leap days only in leap years', () => {
    expect(one('D eq @2024-02-29@', { D: '2024-02-29' })).toBe(true);
    expect(() => parseWhere('D eq @2026-02-29@')).toThrow(/invalid date/);
  });
});

describe('functions and like', () => {
  it('upper-cases and takes left characters, numbers as their text', () => {
    const r = { N: 'Aldgate', Q: 12345, E: '😀ab' };
    expect(one("upper(N) eq 'ALDGATE'", r)).toBe(true);
    expect(one("N eq 'ALDGATE'", r)).toBe(false);
    expect(one("left(N, 3) eq 'Ald'", r)).toBe(true);
    expect(one("left(N, 0) eq ''", r)).toBe(true);
    expect(one("left(N, 99) eq 'Aldgate'", r)).toBe(true);
    expect(one("upper(left(N, 2)) eq 'AL'", r)).toBe(true);
    expect(one("left(upper(N), 2) eq 'AL'", r)).toBe(true);
    expect(one('left(Q, 2) eq 12', r)).toBe(true);
    expect(one("left(E, 1) eq '😀'", r)).toBe(true);
    expect(one("upper(MISSING) eq ''", r)).toBe(true);
  });

  const texts = ['a.c', 'abc', 'a*c', 'a(c', 'a_c', 'aXc', 'A.C', '.c', 'a.c.d', '50%', '500'].map(
    (t, i) => ({
      id: i,
      T: t,
    }),
  );
  const kept = (where: string): string[] => keep(where, texts).map((i) => texts[i as number]!.T);
  it('treats every character but % literally', () => {
    expect(kept("T like 'a.c'")).toEqual(['a.c']);
    expect(kept("T like 'a*c'")).toEqual(['a*c']);
    expect(kept("T like 'a(c'")).toEqual(['a(c']);
    expect(kept("T like 'a_c'")).toEqual(['a_c']);
    expect(kept("T like '%.c'")).toEqual(['a.c', '.c']);
    expect(kept("T like '%.%'")).toEqual(['a.c', 'A.C', '.c', 'a.c.d']);
    expect(kept("T like '50%'")).toEqual(['50%', '500']);
  });
  it('matches % against any run, empty included, case-sensitively', () => {
    expect(kept("T like 'a%c'")).toEqual(['a.c', 'abc', 'a*c', 'a(c', 'a_c', 'aXc']);
    expect(kept("T like '%'")).toHaveLength(texts.length);
    expect(kept("T like 'a%%c%d'")).toEqual(['a.c.d']);
    expect(kept("upper(T) like 'A%C'")).toEqual(['a.c', 'abc', 'a*c', 'a(c', 'a_c', 'aXc', 'A.C']);
    expect(one("T like 'a%b%b'", { T: 'ab' })).toBe(false);
    expect(one("T like '%aa%aa'", { T: 'aaa' })).toBe(false);
    expect(one("T like '%aa%aa'", { T: 'aaaa' })).toBe(true);
  });
  it('matches blanks and numbers by their text', () => {
    expect(one("T like ''", { T: ' ' })).toBe(true);
    expect(one("T like '%'", {})).toBe(true);
    expect(one("Q like '12%'", { Q: 123 })).toBe(true);
  });
});

describe('whereProperties and requiredEqualities', () => {
  it('lists every property once, in order of first use, including inside functions', () => {
    const text =
      "upper(NAM) like 'A%' and (CUR eq 'GBP' or left(NAM, 2) eq 'Al') and 1 lt QTY and not ORDSTA in (1)";
    const e = parseWhere(text);
    expect(whereProperties(e)).toEqual(['NAM', 'CUR', 'QTY', 'ORDSTA']);
    const uses = wherePropertyUses(e);
    expect(uses.map((u) => u.name)).toEqual(['NAM', 'CUR', 'NAM', 'QTY', 'ORDSTA']);
    for (const u of uses) expect(text.slice(u.position, u.position + u.name.length)).toBe(u.name);
    expect(uses[2]!.position).toBe(text.indexOf('NAM, 2'));
  });

  it.each<[string, [string, string | number][]]>([
    ["CUSORDREF eq 'Q1' and X gt 3", [['CUSORDREF', 'Q1']]],
    ["'Q1' eq CUSORDREF", [['CUSORDREF', 'Q1']]],
    [
      "A eq 'a' and (B eq 2 and C in ('c'))",
      [
        ['A', 'a'],
        ['B', 2],
        ['C', 'c'],
      ],
    ],
    ["A eq 'a' or B eq 'b'", []],
    ["(A eq 'a' and B eq 1) or (B eq 1 and A eq 'z')", [['B', 1]]],
    ["not A eq 'a'", []],
    ["A ne 'a'", []],
    ["upper(A) eq 'A'", []],
    ['A eq @2026-01-01@', []],
    ["A in ('a', 'b')", []],
    ['A eq B', []],
  ])('%s', (where, expected) => {
    expect([...requiredEqualities(parseWhere(where))]).toEqual(expected);
  });

  it('gives keys under which an index finds every record the equality matches', () => {
    const rows: Rec[] = [
      { V: 1 },
      { V: '1' },
      { V: '1.00' },
      { V: [1, 2] },
      { V: ' ' },
      { V: null },
      {},
      { V: 'Q1' },
      { V: ['Q1'] },
      { V: -0 },
      { V: '0' },
    ];
    for (const where of [
      "V eq '1'",
      'V eq 1',
      "V eq '1.00'",
      "V eq ''",
      "V eq 'Q1'",
      'V eq 0',
      "V eq '-0'",
    ]) {
      const e = parseWhere(where);
      const [[, value]] = [...requiredEqualities(e)] as [[string, string | number]];
      const matching = rows.filter((r) => evaluateWhere(e, r));
      expect(matching.length, where).toBeGreaterThan(0);
      for (const r of matching) expect(equalityKey(r.V), where).toBe(equalityKey(value));
    }
  });
});
