import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookPayload } from '../src/webhooks/webhook.signature.js';
import { ApiError } from '../web/src/api.js';
import { describeError } from '../web/src/errors.js';
import { verifySnippet } from '../web/src/signature-snippet.js';

// What the admin UI shows for each error shape the API answers with, and the verification
// snippet it shows beside a new webhook secret, run against the server's own signer.
describe('admin UI error view', () => {
  it('names the field of an invalid_body (an unknown field, or a wrong value)', () => {
    const v = describeError(
      new ApiError(400, 'invalid_body', 'The request body is not valid: : Unrecognized key: "colour"', {
        issues: [
          { path: '', message: 'Unrecognized key: "colour"' },
          { path: 'lines.0.unitPrice', message: 'Expected number, received string' },
        ],
      }),
    );
    expect(v.title).toBe('Some fields are not valid');
    expect(v.code).toBe('invalid_body');
    expect(v.problems).toEqual([
      'Unrecognized key: "colour"',
      'lines.0.unitPrice: Expected number, received string',
    ]);
    expect(v.fix).toMatch(/fields named below/);
    expect(v.rest).toBeNull();
  });

  it('names the parameter of an invalid_query, whether the details list it or name it', () => {
    const listed = describeError(
      new ApiError(400, 'invalid_query', 'The cursor is not valid', {
        fields: [{ field: 'cursor', message: 'not a cursor of this list' }],
      }),
    );
    expect(listed.title).toBe('The request is not valid');
    expect(listed.problems).toEqual(['cursor: not a cursor of this list']);
    const named = describeError(
      new ApiError(400, 'invalid_query', 'The cursor is not one this list gave out', { field: 'cursor' }),
    );
    expect(named.problems).toEqual(['cursor: The cursor is not one this list gave out']);
    expect(named.rest).toBeNull();
  });

  it('lists the pending quotes of a conflict', () => {
    const v = describeError(
      new ApiError(409, 'conflict', 'Connection c_1 still has 2 quote(s) pending for X3', {
        quoteIds: ['Q-1', 'Q-2'],
      }),
    );
    expect(v).toMatchObject({ title: 'Not possible right now', quoteIds: ['Q-1', 'Q-2'], rest: null });
  });

  it('keeps the server fix, the unmapped codes, and folds what it does not know', () => {
    const v = describeError(
      new ApiError(422, 'unmapped_codes', 'Some codes have no mapping', {
        products: ['BOX-9'],
        customers: ['ACC-9'],
        fix: 'Map them first.',
        somethingNew: 1,
      }),
    );
    expect(v.unmapped).toEqual(['BOX-9', 'ACC-9']);
    expect(v.fix).toBe('Map them first.');
    expect(v.rest).toEqual({ somethingNew: 1 });
    expect(describeError(new Error('boom'))).toMatchObject({ title: 'Something went wrong', code: null });
  });
});

describe('webhook verification snippet', () => {
  const verify = new Function(
    'createHmac',
    'timingSafeEqual',
    `${verifySnippet.replace(/^import .*$/m, '')}\nreturn verifyX3bridge;`,
  )(createHmac, timingSafeEqual) as (body: string | Buffer, header: string, secret: string) => boolean;
  const secret = 'whsec_snippet';
  const body = JSON.stringify({ id: 'evt_1', type: 'order.created', data: { orderNumber: 'SO1' } });
  const now = Math.floor(Date.now() / 1000);

  it('accepts what x3bridge signs, as a string or as raw bytes', () => {
    const header = signWebhookPayload(secret, body, now);
    expect(verify(body, header, secret)).toBe(true);
    expect(verify(Buffer.from(body), header, secret)).toBe(true);
  });

  it('refuses a tampered body, another secret, an old timestamp and a malformed header', () => {
    expect(verify(body.replace('SO1', 'SO2'), signWebhookPayload(secret, body, now), secret)).toBe(false);
    expect(verify(body, signWebhookPayload('whsec_other', body, now), secret)).toBe(false);
    expect(verify(body, signWebhookPayload(secret, body, now - 301), secret)).toBe(false);
    expect(verify(body, 'v1=abc', secret)).toBe(false);
  });
});
