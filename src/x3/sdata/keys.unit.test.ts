import { describe, expect, it } from 'vitest';
import { X3InvalidInputError } from '../errors.js';
import { folderBase, keySegment, resourceUrl } from './keys.js';

describe('keys and URLs', () => {
  it('quotes keys, doubles inner quotes and percent-encodes parts', () => {
    expect(keySegment('BPCUSTOMER', 'C0001')).toBe("BPCUSTOMER('C0001')");
    expect(keySegment('BPCUSTOMER', "O'NEIL")).toBe("BPCUSTOMER('O%27%27NEIL')");
    expect(keySegment('GACCENTRY', ['ODP', 'J/1 2'])).toBe("GACCENTRY('ODP~J%2F1%202')");
    expect(keySegment('BALANCE', ['ALD', 2026, 1, '411000'])).toBe("BALANCE('ALD~2026~1~411000')");
  });

  it('refuses a part holding ~, empty parts and bad class names', () => {
    expect(() => keySegment('SORDER', 'A~B')).toThrow(X3InvalidInputError);
    expect(() => keySegment('SORDER', '')).toThrow(X3InvalidInputError);
    expect(() => keySegment('sorder', 'A')).toThrow(X3InvalidInputError);
  });

  it('puts the folder in the path and keeps a path prefix', () => {
    expect(folderBase('https://x3.example:8124', 'ALDGATE').href).toBe(
      'https://x3.example:8124/api1/x3/erp/ALDGATE/',
    );
    expect(folderBase('https://h/x3/', 'SEED').href).toBe('https://h/x3/api1/x3/erp/SEED/');
  });

  it('builds query URLs with representation and encoded where', () => {
    const base = folderBase('http://127.0.0.1:1', 'ALDGATE');
    const url = resourceUrl(base, 'BPCUSTOMER', 'BPCUSTOMER', '$query', {
      where: "BPCNAM eq 'A&B'",
      count: 50,
    });
    expect(url.pathname).toBe('/api1/x3/erp/ALDGATE/BPCUSTOMER');
    expect(url.searchParams.get('representation')).toBe('BPCUSTOMER.$query');
    expect(url.searchParams.get('where')).toBe("BPCNAM eq 'A&B'");
    expect(url.searchParams.get('count')).toBe('50');
    const keyed = resourceUrl(base, keySegment('SORDER', 'SO1'), 'SORDER', '$details');
    expect(keyed.pathname).toBe("/api1/x3/erp/ALDGATE/SORDER('SO1')");
  });
});
