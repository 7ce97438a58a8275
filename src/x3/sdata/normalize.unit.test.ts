import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMoney,
  date,
  dimension,
  money,
  num,
  refTitle,
  text,
  textLines,
  timestamp,
  withRaw,
  yesNo,
} from './normalize.js';
import { collectDiagnoses, isRecordMissing } from './diagnoses.js';

describe('normalizers', () => {
  it('reads blanks, numbers as strings and money exactly', () => {
    expect(text(' ')).toBeNull();
    expect(text('Aldgate  ')).toBe('Aldgate');
    expect(num('12.50')).toBe(12.5);
    expect(num(' ')).toBeNull();
    expect(num('abc')).toBeNull();
    expect(money('210')).toBe('210');
    expect(money('210.00')).toBe('210.00');
    expect(money('0.1000000000000000055511151231257827')).toBe('0.1000000000000000055511151231257827');
    expect(money(0.42)).toBe('0.42');
    expect(money(' ')).toBeNull();
  });

  it('treats 1599-12-31 and blanks as no date', () => {
    expect(date('1599-12-31')).toBeNull();
    expect(date(' ')).toBeNull();
    expect(date('2026-12-07')).toBe('2026-12-07');
    expect(date('20261207')).toBe('2026-12-07');
    expect(date('2026-12-07T10:00:00Z')).toBe('2026-12-07');
    expect(timestamp('1599-12-31T00:00:00Z')).toBeNull();
    expect(timestamp('2026-03-01T09:12:44Z')).toBe('2026-03-01T09:12:44.000Z');
    expect(yesNo(2)).toBe(true);
    expect(yesNo('1')).toBe(false);
  });

  it('reads dimensioned fields as arrays or NAME(i) keys', () => {
    expect(textLines({ BPCNAM: ['Aldgate', ' '] }, 'BPCNAM')).toEqual(['Aldgate']);
    expect(dimension({ 'BPCNAM(1)': 'Two', 'BPCNAM(0)': 'One' }, 'BPCNAM')).toEqual(['One', 'Two']);
    expect(dimension({ BPCNAM: 'Solo' }, 'BPCNAM')).toEqual(['Solo']);
    expect(refTitle({ CUR: 'GBP', CUR_REF: { $title: 'Pound sterling' } }, 'CUR')).toBe('Pound sterling');
  });

  it('adds and subtracts money without floats', () => {
    expect(addMoney(['0.1', '0.2'])).toBe('0.3');
    expect(addMoney(['10', '2.345'], [false, true])).toBe('7.655');
    expect(addMoney(['1.5', null, '-3'])).toBe('-1.5');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 }), { maxLength: 20 }), (cents) => {
        const total = cents.reduce((a, b) => a + b, 0);
        expect(Number(addMoney(cents.map((c) => (c / 100).toFixed(2))))).toBeCloseTo(total / 100, 6);
      }),
    );
  });

  it('keeps raw out of JSON but readable', () => {
    const model = withRaw({ code: 'A' }, { BPCNUM: 'A', ZCUSTREF: 'z' });
    expect(JSON.stringify(model)).toBe('{"code":"A"}');
    expect(model.raw.ZCUSTREF).toBe('z');
  });
});

describe('diagnoses', () => {
  it('collects top-level and line diagnoses and recognises 721', () => {
    const found = collectDiagnoses({
      $diagnoses: [{ $severity: 'error', $message: '721 : Record does not exist' }],
      SOHSOP: [{ ITMREF: 'X', $diagnoses: [{ $severity: 'warning', $message: 'low stock' }] }],
    });
    expect(found).toHaveLength(2);
    expect(found[1]).toMatchObject({ severity: 'warning', linePath: 'SOHSOP[0]' });
    expect(isRecordMissing(found[0]!)).toBe(true);
  });
});
