import { describe, expect, it } from 'vitest';
import { signWebhookPayload, verifyWebhookSignature } from './webhook.signature.js';
import { decideDelivery, defaultDeliveryPolicy, deliveryLeaseMs, parseRetryAfter } from './webhook.js';

describe('webhook signatures', () => {
  const body = '{"id":"evt_1","type":"order.created"}';
  const t = 1_780_000_000;

  it('verifies what it signs, within the tolerance', () => {
    const header = signWebhookPayload('whsec_a', body, t);
    expect(header).toMatch(/^t=1780000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('whsec_a', header, body, { nowSeconds: t + 10 })).toEqual({
      ok: true,
      timestamp: t,
    });
    expect(verifyWebhookSignature('whsec_a', header, Buffer.from(body), { nowSeconds: t })).toMatchObject({
      ok: true,
    });
  });

  it('refuses another secret, a changed body, an old timestamp and a malformed header', () => {
    const header = signWebhookPayload('whsec_a', body, t);
    expect(verifyWebhookSignature('whsec_b', header, body, { nowSeconds: t })).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
    expect(verifyWebhookSignature('whsec_a', header, body + ' ', { nowSeconds: t })).toMatchObject({
      ok: false,
    });
    expect(
      verifyWebhookSignature('whsec_a', header, body, { nowSeconds: t + 301, toleranceSeconds: 300 }),
    ).toEqual({
      ok: false,
      reason: 'timestamp_outside_tolerance',
    });
    expect(verifyWebhookSignature('whsec_a', 'v1=abc', body, { nowSeconds: t })).toEqual({
      ok: false,
      reason: 'malformed_header',
    });
    expect(verifyWebhookSignature('whsec_a', undefined, body)).toMatchObject({ ok: false });
  });

  it('accepts any of several v1 signatures, for secret rolls', () => {
    const a = signWebhookPayload('old', body, t).split(',')[1]!;
    const b = signWebhookPayload('new', body, t);
    expect(verifyWebhookSignature('old', `${b},${a}`, body, { nowSeconds: t }).ok).toBe(true);
  });
});

describe('delivery decisions', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const ctx = { attempts: 1, now, policy: { ...defaultDeliveryPolicy, maxAttempts: 3 }, random: () => 0 };

  it('retries network errors, 5xx and 429 (honouring Retry-After), and gives up on the rest', () => {
    expect(decideDelivery({ status: 204, retryAfterMs: null }, ctx).state).toBe('delivered');
    expect(decideDelivery({ status: null, retryAfterMs: null }, ctx).state).toBe('pending');
    expect(decideDelivery({ status: 500, retryAfterMs: null }, ctx).state).toBe('pending');
    const limited = decideDelivery({ status: 429, retryAfterMs: 120_000 }, ctx);
    expect(limited.nextAttemptAt!.getTime() - now.getTime()).toBe(120_000);
    expect(decideDelivery({ status: 410, retryAfterMs: null }, ctx).state).toBe('dead');
    expect(decideDelivery({ status: 500, retryAfterMs: null }, { ...ctx, attempts: 3 }).state).toBe('dead');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(new Date(now.getTime() + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('delivery leases', () => {
  it('outlasts a whole batch sent at the bound when every endpoint takes its full timeout', () => {
    const p = defaultDeliveryPolicy;
    const rounds = Math.ceil(p.batchSize / p.concurrency);
    expect(deliveryLeaseMs(p)).toBeGreaterThan(rounds * p.timeoutMs);
    expect(deliveryLeaseMs({ ...p, concurrency: 1 }, 50)).toBeGreaterThan(50 * p.timeoutMs);
  });
});
