import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/errors.js';
import { createVaultFromKeys } from '../secrets/index.js';
import { openCursor, sealCursor } from './cursor.js';
import { requestHash, requireIdempotencyKey } from './idempotency.js';

const vault = createVaultFromKeys([{ id: 'k1', key: Buffer.alloc(32, 7) }]);

describe('list cursors', () => {
  const filters = { search: 'box', updatedSince: undefined };
  const cursor = sealCursor(vault, 'con_a', 'customers', filters, 'W1sia2V5IiwiZ3QuQzAwMjAiXV0');

  it('round-trips the position for the same list and filters', () => {
    expect(openCursor(vault, 'con_a', 'customers', { search: 'box' }, cursor)).toBe(
      'W1sia2V5IiwiZ3QuQzAwMjAiXV0',
    );
  });

  it.each([
    ['another connection', 'con_b', 'customers', filters],
    ['another list', 'con_a', 'items', filters],
    ['other filters', 'con_a', 'customers', { search: 'bag' }],
  ])('refuses a cursor used on %s', (_what, id, resource, f) => {
    expect(() => openCursor(vault, id, resource, f, cursor)).toThrow(ApiError);
  });

  it('refuses altered or made-up cursors', () => {
    const flipped = cursor.slice(0, -3) + (cursor.at(-3) === 'A' ? 'B' : 'A') + cursor.slice(-2);
    for (const bad of [flipped, 'W1sia2V5IiwiZ3QuQycgb3IgMSBlcSAxIl1d', '', 'v1.k1.x.y.z.w']) {
      expect(() => openCursor(vault, 'con_a', 'customers', filters, bad)).toThrow(/cursor is not valid/);
    }
  });
});

describe('idempotency helpers', () => {
  it('hashes bodies independently of key order', () => {
    expect(requestHash({ a: 1, b: [{ x: 1, y: 2 }] })).toBe(requestHash({ b: [{ y: 2, x: 1 }], a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });

  it('wants a printable key of at most 255 characters', () => {
    expect(requireIdempotencyKey('abc-123')).toBe('abc-123');
    for (const bad of [undefined, '', ' ', 'a'.repeat(256), 'tab\there']) {
      expect(() => requireIdempotencyKey(bad)).toThrow(ApiError);
    }
  });
});
