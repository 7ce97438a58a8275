import { describe, expect, it } from 'vitest';
import { orderMatchesIntent, pickOrder, type OrderEvidence } from './order-match.js';

const claimedAt = new Date('2026-06-01T10:00:00Z');
const intent = {
  customerCode: 'C0001',
  lines: [
    { itemRef: 'BOX-S-200', quantity: 10 },
    { itemRef: 'TAPE-48-CLR', quantity: 2 },
  ],
};
const ours: OrderEvidence = {
  number: 'SO1',
  customerCode: 'C0001',
  createdAt: '2026-06-01T10:00:03Z',
  lines: [
    { itemRef: 'TAPE-48-CLR', quantity: '2.000' },
    { itemRef: 'BOX-S-200', quantity: 10 },
  ],
};

describe('orderMatchesIntent', () => {
  it('takes the order with the same customer and lines, in any order, made after the claim', () => {
    expect(orderMatchesIntent(ours, intent, claimedAt)).toBe(true);
  });

  it('refuses another customer, other lines, or an older order', () => {
    expect(orderMatchesIntent({ ...ours, customerCode: 'C0002' }, intent, claimedAt)).toBe(false);
    expect(
      orderMatchesIntent({ ...ours, lines: [{ itemRef: 'BOX-S-200', quantity: 10 }] }, intent, claimedAt),
    ).toBe(false);
    expect(
      orderMatchesIntent(
        {
          ...ours,
          lines: [
            { itemRef: 'BOX-S-200', quantity: 11 },
            { itemRef: 'TAPE-48-CLR', quantity: 2 },
          ],
        },
        intent,
        claimedAt,
      ),
    ).toBe(false);
    expect(orderMatchesIntent({ ...ours, createdAt: '2026-01-12T09:00:00Z' }, intent, claimedAt)).toBe(false);
    expect(orderMatchesIntent({ ...ours, lines: null }, intent, claimedAt)).toBe(false);
  });

  it('allows for X3 clock skew, and falls back to the order date', () => {
    expect(orderMatchesIntent({ ...ours, createdAt: '2026-06-01T09:58:00Z' }, intent, claimedAt)).toBe(true);
    expect(orderMatchesIntent({ ...ours, createdAt: '2026-06-01T09:50:00Z' }, intent, claimedAt)).toBe(false);
    expect(orderMatchesIntent({ ...ours, createdAt: null, orderDate: '2026-06-01' }, intent, claimedAt)).toBe(
      true,
    );
    expect(orderMatchesIntent({ ...ours, createdAt: null, orderDate: '2026-05-20' }, intent, claimedAt)).toBe(
      false,
    );
    expect(orderMatchesIntent({ ...ours, createdAt: null, orderDate: null }, intent, claimedAt)).toBe(false);
  });
});

describe('pickOrder', () => {
  const old = { ...ours, number: 'SO0', createdAt: '2026-01-12T09:00:00Z' };

  it('says none when nothing carries the reference', () => {
    expect(pickOrder([], intent, claimedAt)).toEqual({ kind: 'none' });
  });

  it('adopts the one match among other orders', () => {
    expect(pickOrder([old, ours], intent, claimedAt)).toEqual({ kind: 'match', order: ours });
  });

  it('adopts nothing when no candidate matches, or several do', () => {
    expect(pickOrder([old], intent, claimedAt)).toEqual({
      kind: 'ambiguous',
      candidates: ['SO0'],
      matching: [],
    });
    const twin = { ...ours, number: 'SO2' };
    expect(pickOrder([ours, old, twin], intent, claimedAt)).toEqual({
      kind: 'ambiguous',
      candidates: ['SO1', 'SO0', 'SO2'],
      matching: ['SO1', 'SO2'],
    });
  });
});
