import { describe, expect, it } from 'vitest';
import * as x3bridge from './index.js';

describe('the package entry point', () => {
  it('offers the client, the where builder, the errors and webhook verification', () => {
    expect(typeof x3bridge.createX3Client).toBe('function');
    expect(typeof x3bridge.w.eq).toBe('function');
    expect(typeof x3bridge.X3OutcomeUncertainError).toBe('function');
    expect(x3bridge.SIGNATURE_HEADER).toBe('X3bridge-Signature');
  });

  it('verifies what x3bridge signs, and nothing else', () => {
    const body = JSON.stringify({ type: 'order.created', data: { orderNumber: 'SOALD010000006' } });
    const t = Math.floor(Date.now() / 1000);
    const header = x3bridge.signWebhookPayload('whsec_test', body, t);
    expect(x3bridge.verifyWebhookSignature('whsec_test', header, body).ok).toBe(true);
    expect(x3bridge.verifyWebhookSignature('whsec_other', header, body).ok).toBe(false);
    expect(x3bridge.verifyWebhookSignature('whsec_test', header, body.replace('06', '07')).ok).toBe(false);
  });
});
