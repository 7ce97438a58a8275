import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../mappings/mapping.csv.js';
import { csvField, csvFormatter, ndjsonFormatter } from './export.format.js';

function withHiddenRaw<T extends object>(model: T, raw: object): T {
  Object.defineProperty(model, 'raw', { value: raw, enumerable: false });
  return model;
}

describe('csvField', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it('keeps spreadsheet formulas as text but leaves numbers alone', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1+2')).toBe("'+1+2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('-12.50')).toBe('-12.50');
    expect(csvField(-3)).toBe('-3');
    expect(csvField('-1e5')).toBe('-1e5');
    expect(csvField('-x')).toBe("'-x");
  });

  it('writes null as empty, booleans as words, objects as JSON', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(true)).toBe('true');
    expect(csvField([{ a: 1 }])).toBe('"[{""a"":1}]"');
  });

  it('reads back through a CSV parser as the same text (formula guard aside)', () => {
    const number = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const [row] = parseCsv(`x,${csvField(text)}\r\n`);
        const guarded = /^[=+\-@\t\r]/.test(text) && !number.test(text);
        expect(row?.[1]).toBe(guarded ? `'${text}` : text);
      }),
    );
  });
});

describe('csvFormatter', () => {
  it('flattens header fields one level, puts arrays in JSON columns, writes the header once', () => {
    const f = csvFormatter();
    const first = f.format({ ref: 'A', units: { stock: 'UN', sales: 'BOX' }, lines: [{ q: 1 }], note: null });
    const second = f.format({ ref: 'B', units: null, lines: [], note: 'x,y' });
    expect(first).toBe('ref,units.stock,units.sales,lines,note\r\nA,UN,BOX,"[{""q"":1}]",\r\n');
    expect(second).toBe('B,,,[],"x,y"\r\n');
  });

  it('adds X3’s record as one JSON column with --raw', () => {
    const model = withHiddenRaw({ ref: 'A' }, { ITMREF: 'A', ITMDES1: 'Box' });
    expect(csvFormatter().format(model)).toBe('ref\r\nA\r\n');
    expect(csvFormatter({ raw: true }).format(model)).toBe(
      'ref,raw\r\nA,"{""ITMREF"":""A"",""ITMDES1"":""Box""}"\r\n',
    );
  });
});

describe('ndjsonFormatter', () => {
  it('writes one JSON object per line, with raw only on request', () => {
    const model = withHiddenRaw({ ref: 'A', lines: [{ n: 1 }] }, { ITMREF: 'A' });
    expect(ndjsonFormatter().format(model)).toBe('{"ref":"A","lines":[{"n":1}]}\n');
    expect(ndjsonFormatter({ raw: true }).format(model)).toBe(
      '{"ref":"A","lines":[{"n":1}],"raw":{"ITMREF":"A"}}\n',
    );
  });
});
