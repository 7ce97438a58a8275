import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OrdersX3 } from '../orders/order.x3.js';
import { suggestProductMappings } from './mapping.service.js';
import { normalizeCode, rankCandidates, scoreCandidate, trigramSimilarity } from './mapping.suggest.js';
import { parseCsv, readMappingCsv, writeCsv, CsvError } from './mapping.csv.js';

describe('suggestion scoring', () => {
  const items = [
    { code: 'BOX-S-200', name: 'Shipping box small 200mm' },
    { code: 'BOX-M-300', name: 'Shipping box medium 300mm' },
    { code: 'TAPE-48', name: 'Packing tape 48mm brown' },
  ];

  it('ranks an exact code first with score 1', () => {
    const ranked = rankCandidates({ code: 'BOX-S-200' }, items, { limit: 3 });
    expect(ranked[0]).toMatchObject({ code: 'BOX-S-200', score: 1, reason: 'exact_code' });
  });

  it('matches a code that differs only by case and separators at 0.9', () => {
    expect(normalizeCode('box_s 200')).toBe('BOXS200');
    expect(scoreCandidate({ code: 'box_s 200' }, { code: 'BOX-S-200', name: null })).toMatchObject({
      score: 0.9,
      reason: 'normalized_code',
    });
  });

  it('finds an item by its name when the codes share nothing', () => {
    const ranked = rankCandidates({ code: 'P-7781', name: 'brown packing tape 48 mm' }, items, { limit: 2 });
    expect(ranked[0]).toMatchObject({ code: 'TAPE-48', reason: 'similar_name' });
    expect(ranked[0]!.score).toBeLessThan(0.9);
  });

  it('keeps fuzzy scores below a code match and orders results by score', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, name) => {
        const s = scoreCandidate({ code: a, name }, { code: b, name });
        expect(s.score).toBeGreaterThanOrEqual(0);
        expect(s.score).toBeLessThanOrEqual(1);
        if (s.reason === 'similar_code' || s.reason === 'similar_name') expect(s.score).toBeLessThan(0.9);
      }),
    );
    const ranked = rankCandidates({ code: 'BOX', name: 'box' }, items, { limit: 3, minScore: 0 });
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
  });

  it('gives identical text similarity 1 and disjoint text 0', () => {
    expect(trigramSimilarity('packing tape', 'packing tape')).toBe(1);
    expect(trigramSimilarity('abc', 'xyz')).toBe(0);
  });
});

describe('mapping CSV', () => {
  it('reads quoted fields, doubled quotes, CRLF and a byte-order mark', () => {
    const text = '\ufeffproductCode,itemRef\r\n"BOX,1","IT""M"\r\nTAPE,TAPE-48\n\n';
    expect(parseCsv(text)).toEqual([
      ['productCode', 'itemRef'],
      ['BOX,1', 'IT"M'],
      ['TAPE', 'TAPE-48'],
    ]);
  });

  it('accepts the columns in any order and names a bad header', () => {
    expect(readMappingCsv('itemRef,productCode\nI1,P1\n', ['productCode', 'itemRef'])).toEqual([
      { productCode: 'P1', itemRef: 'I1' },
    ]);
    expect(() => readMappingCsv('a,b\n1,2', ['productCode', 'itemRef'])).toThrow(CsvError);
    expect(() => readMappingCsv('productCode,itemRef\n"open', ['productCode', 'itemRef'])).toThrow(
      /not closed/,
    );
  });

  it('round-trips any values, formula-looking ones included', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }))), (pairs) => {
        const clean = pairs
          .map(([a, b]) => [a.trim(), b.trim()] as [string, string])
          .filter(([a, b]) => a && b && !a.startsWith("'") && !b.startsWith("'"));
        const text = writeCsv(['productCode', 'itemRef'], clean);
        const back = readMappingCsv(text, ['productCode', 'itemRef']).map((r) => [r.productCode, r.itemRef]);
        expect(back).toEqual(clean);
      }),
    );
    expect(writeCsv(['a'], [['=SUM(A1)']])).toContain(`"'=SUM(A1)"`);
  });
});

describe('suggestions from the X3 master', () => {
  const items = (n: number) => ({
    async *list() {
      for (let i = 0; i < n; i++)
        yield { ref: `ITEM-${i}`, description: `Item ${i}`, active: true, sellable: true };
    },
  });

  it('says when the master was cut at the candidate limit, and not otherwise', async () => {
    const cut = await suggestProductMappings(
      { items: items(10) } as unknown as OrdersX3,
      [{ productCode: 'ITEM-1' }],
      1,
      { maxCandidates: 5 },
    );
    expect(cut.truncated).toBe(true);
    expect(cut.data[0]!.suggestions[0]).toMatchObject({ itemRef: 'ITEM-1', score: 1 });
    const whole = await suggestProductMappings(
      { items: items(5) } as unknown as OrdersX3,
      [{ productCode: 'ITEM-4' }],
      1,
      { maxCandidates: 5 },
    );
    expect(whole.truncated).toBe(false);
  });
});
