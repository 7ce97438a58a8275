import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, parseMappingCsv, toCsv } from '../web/src/csv.js';

// The mapping screen's CSV import/export: what it writes, it must read back unchanged, and it
// must read what spreadsheets write.
describe('admin UI mapping CSV', () => {
  it('reads back every file it writes', () => {
    const cell = fc.string({
      unit: fc.constantFrom('A', 'b', '1', ' ', ',', ';', '"', '\n', '\r', '-', '=', "'", 'é'),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell, cell), { maxLength: 20 }), (rows) => {
        const keep = rows.map(([a, b, c]) => [a.trim(), b.trim(), c.trim()]).filter(([a]) => a !== '');
        const unique = [...new Map(keep.map((r) => [r[0], r])).values()];
        const text = toCsv(['productCode', 'itemRef', 'name'], unique as string[][]);
        const back = parseMappingCsv(text, { source: 'productCode', target: 'itemRef' });
        expect(back.map((r) => [r.source, r.target, r.name])).toEqual(unique);
      }),
      { numRuns: 300 },
    );
  });

  it('reads spreadsheet exports: BOM, semicolons, CRLF, quoted fields, no header', () => {
    expect(parseCsv('\uFEFFa;b\r\n"x;1";"say ""hi"""\r\n')).toEqual([
      ['a', 'b'],
      ['x;1', 'say "hi"'],
    ]);
    expect(
      parseMappingCsv('BOX-S-200,BOX-S-200\nLID-9,\n', { source: 'productCode', target: 'itemRef' }),
    ).toEqual([
      { source: 'BOX-S-200', target: 'BOX-S-200', name: '' },
      { source: 'LID-9', target: '', name: '' },
    ]);
  });

  it('finds columns by header name in any order and ignores blank rows', () => {
    const text = 'name,itemRef,productCode\nSmall box,BOX-S,P-1\n,,\nLid,,P-2\n';
    expect(parseMappingCsv(text, { source: 'productCode', target: 'itemRef' })).toEqual([
      { source: 'P-1', target: 'BOX-S', name: 'Small box' },
      { source: 'P-2', target: '', name: 'Lid' },
    ]);
  });

  it('keeps cells that spreadsheets would evaluate as text', () => {
    const text = toCsv(['productCode', 'itemRef'], [['=SUM(A1)', '+1']]);
    expect(text).toContain("'=SUM(A1)");
    expect(parseMappingCsv(text, { source: 'productCode', target: 'itemRef' })[0]).toEqual({
      source: '=SUM(A1)',
      target: '+1',
      name: '',
    });
  });
});
