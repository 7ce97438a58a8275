import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWhere } from '../../simulator/sdata/where.js';
import { X3InvalidInputError } from '../errors.js';
import { literal, w } from './where.js';

describe('where builder', () => {
  it('writes comparisons, functions and date literals', () => {
    const expr = w.and(w.eq('BPCORD', 'C0001'), w.ge('UPDDATTIM', new Date('2026-03-01T08:00:00.123Z')));
    expect(expr.toString()).toBe("BPCORD eq 'C0001' and UPDDATTIM ge @2026-03-01T08:00:00Z@");
    expect(w.le('ORDDAT', w.date('2026-12-07')).toString()).toBe('ORDDAT le @2026-12-07@');
    expect(w.like(w.upper('BPCNAM'), '%BOX%').toString()).toBe("upper(BPCNAM) like '%BOX%'");
    expect(w.in('ITMREF', ['A', "O'B"]).toString()).toBe("ITMREF in ('A', 'O''B')");
    expect(w.between('QTY', 1, 2.5).toString()).toBe('QTY between 1 and 2.5');
    expect(w.not(w.eq('ORDSTA', 2)).toString()).toBe('not (ORDSTA eq 2)');
    expect(w.eq(w.left('BPCNUM', 2), 'C0').toString()).toBe("left(BPCNUM, 2) eq 'C0'");
  });

  it('parenthesises nested and/or so precedence never matters', () => {
    const expr = w.or(w.and(w.eq('A', 1), w.eq('B', 2)), w.eq('C', 3));
    expect(expr.toString()).toBe('(A eq 1 and B eq 2) or C eq 3');
    const parsed = parseWhere(expr.toString());
    expect(parsed.kind).toBe('or');
  });

  it('refuses property names that are not X3 names', () => {
    for (const bad of ['bpcnum', 'A B', "A'", 'A)', '', '1A', 'A or B']) {
      expect(() => w.eq(bad, 'x')).toThrow(X3InvalidInputError);
    }
  });

  it('refuses a % in a search term, keeps _ as a character', () => {
    expect(() => w.pattern.contains('50%')).toThrow(X3InvalidInputError);
    expect(w.like('BPCNUM', w.pattern.contains('BOX_S')).toString()).toBe("BPCNUM like '%BOX_S%'");
  });

  it('refuses values that have no literal form', () => {
    expect(() => literal(Number.NaN)).toThrow(X3InvalidInputError);
    expect(() => literal(1e21)).toThrow(X3InvalidInputError);
    expect(() => literal(new Date('nope'))).toThrow(X3InvalidInputError);
    expect(() => w.date('2026-02-30x')).toThrow(X3InvalidInputError);
  });

  it('a string value, whatever it holds, parses back as one literal equal to it', () => {
    const nasty = fc.oneof(
      fc.string({
        unit: fc.constantFrom("'", '@', ')', '(', ' or ', ' and ', '%', '_', 'x', ' ', '"', '\\', ','),
      }),
      fc.string(),
    );
    fc.assert(
      fc.property(nasty, (value) => {
        const parsed = parseWhere(w.eq('P', value).toString());
        expect(parsed).toMatchObject({ kind: 'compare', op: 'eq', left: { kind: 'property', name: 'P' } });
        expect(parsed.kind === 'compare' && parsed.right).toMatchObject({ kind: 'string', value });
      }),
      { numRuns: 500 },
    );
  });

  it('a like pattern from a user term stays one pattern', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('%')),
        (term) => {
          const parsed = parseWhere(w.like(w.upper('BPCNAM'), w.pattern.contains(term)).toString());
          expect(parsed).toMatchObject({ kind: 'like', pattern: `%${term}%`, operand: { kind: 'upper' } });
        },
      ),
      { numRuns: 300 },
    );
  });
});
