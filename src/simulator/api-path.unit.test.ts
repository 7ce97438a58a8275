import { describe, expect, it } from 'vitest';
import { parseApiPath } from './api-path.js';

const P = '/api1/x3/erp/';

describe('parseApiPath', () => {
  it('reads collections, keys, composite keys and sub-resources', () => {
    expect(parseApiPath(`${P}ALDGATE/BPCUSTOMER`)).toEqual({
      ok: true,
      folder: 'ALDGATE',
      cls: 'BPCUSTOMER',
    });
    expect(parseApiPath(`${P}ALDGATE/BPCUSTOMER('C0001')`)).toMatchObject({
      key: 'C0001',
      keyParts: ['C0001'],
    });
    expect(parseApiPath(`${P}ALDGATE/SORDERQ('SO1~1000~1')`)).toMatchObject({
      keyParts: ['SO1', '1000', '1'],
    });
    expect(parseApiPath(`${P}ALDGATE/BPCUSTOMER(%27A%2FB%27)`)).toMatchObject({ key: 'A/B' });
    expect(parseApiPath(`${P}ALDGATE/BPCUSTOMER('O''BRIEN')`)).toMatchObject({ key: "O'BRIEN" });
    expect(parseApiPath(`${P}ALDGATE/SORDER/$template`)).toMatchObject({ sub: 'template' });
    expect(parseApiPath(`${P}ALDGATE/SORDER/$prototypes('SORDER.$create')`)).toMatchObject({
      sub: 'prototypes',
      prototype: 'SORDER.$create',
    });
  });

  it('refuses malformed keys and paths', () => {
    for (const bad of [
      'BPCUSTOMER(C0001)',
      "BPCUSTOMER('C0001)",
      "BPCUSTOMER('a'b')",
      "BPCUSTOMER('')",
      'BPCUSTOMER(%E0%A4%A)',
    ]) {
      expect(parseApiPath(`${P}ALDGATE/${bad}`), bad).toMatchObject({ ok: false, status: 400 });
    }
    expect(parseApiPath(`${P}ALDGATE/`)).toMatchObject({ ok: false, status: 404 });
    expect(parseApiPath(`${P}ALDGATE/SORDER/x/y`)).toMatchObject({ ok: false, status: 404 });
    expect(parseApiPath(`${P}ALDGATE/SORDER('1')/$template`)).toMatchObject({ ok: false, status: 404 });
  });
});
