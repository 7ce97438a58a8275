import { describe, expect, it } from 'vitest';
import type { AcceptQuoteBody } from './order.js';
import {
  checkQuoteInput,
  decimalText,
  quoteIdProblem,
  requestHash,
  translateQuote,
} from './order.translate.js';
import {
  attemptLeaseMs,
  classifyX3Failure,
  decideAfterAttempt,
  defaultRetryPolicy,
  planAttempt,
} from './order.outbox.js';
import { orderMatchesDraft } from './order.match.js';
import { CreateGate } from './order.gate.js';

const body: AcceptQuoteBody = {
  customerAccount: 'ACC-1001',
  requestedDeliveryDate: '2026-12-07',
  reference: 'Q-2026-0042',
  lines: [
    { productCode: 'BOX-S-200', quantity: 500, unitPrice: 0.42 },
    { productCode: 'TAPE', quantity: 10 },
  ],
};

describe('quote translation', () => {
  it('translates every code and stamps the quote id as the customer reference', () => {
    const t = translateQuote('Q1', body, {
      products: new Map([
        ['BOX-S-200', 'BOX-S-200'],
        ['TAPE', 'TAPE-48'],
      ]),
      customers: new Map([['ACC-1001', 'C0001']]),
    });
    expect(t).toEqual({
      ok: true,
      draft: {
        customerCode: 'C0001',
        customerOrderReference: 'Q1',
        salesSite: null,
        currency: null,
        requestedDeliveryDate: '2026-12-07',
        lines: [
          { itemRef: 'BOX-S-200', quantity: 500, grossPrice: '0.42', requestedDeliveryDate: '2026-12-07' },
          { itemRef: 'TAPE-48', quantity: 10, grossPrice: null, requestedDeliveryDate: '2026-12-07' },
        ],
      },
    });
  });

  it('lists every unmapped code at once, each once', () => {
    const t = translateQuote(
      'Q1',
      { ...body, lines: [...body.lines, { productCode: 'TAPE', quantity: 1 }] },
      { products: new Map(), customers: new Map() },
    );
    expect(t).toEqual({
      ok: false,
      unmapped: { productCodes: ['BOX-S-200', 'TAPE'], customerAccounts: ['ACC-1001'] },
    });
  });

  it('names every bad quantity and past date', () => {
    const problems = checkQuoteInput(
      {
        ...body,
        requestedDeliveryDate: '2026-01-01',
        lines: [
          { productCode: 'A', quantity: 0 },
          { productCode: 'B', quantity: -3, requestedDeliveryDate: '2026-02-30' },
        ],
      },
      '2026-06-01',
    );
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['requestedDeliveryDate', 'date_in_past'],
      ['lines[0].quantity', 'non_positive_quantity'],
      ['lines[1].quantity', 'non_positive_quantity'],
      ['lines[1].requestedDeliveryDate', 'invalid_date'],
    ]);
    expect(checkQuoteInput(body, '2026-06-01')).toEqual([]);
  });

  it('hashes the same quote the same whatever the key order', () => {
    const reordered = JSON.parse(
      JSON.stringify({
        lines: body.lines,
        reference: body.reference,
        requestedDeliveryDate: body.requestedDeliveryDate,
        customerAccount: body.customerAccount,
      }),
    ) as AcceptQuoteBody;
    expect(requestHash(reordered)).toBe(requestHash(body));
    expect(requestHash({ ...body, reference: 'other' })).not.toBe(requestHash(body));
  });

  it('hashes a price the same whether sent as a number or as text, with or without trailing zeros', () => {
    const priced = (unitPrice: number | string): AcceptQuoteBody => ({
      ...body,
      lines: [{ productCode: 'BOX-S-200', quantity: 500, unitPrice }],
    });
    expect(requestHash(priced('0.42'))).toBe(requestHash(priced(0.42)));
    expect(requestHash(priced('0.420'))).toBe(requestHash(priced(0.42)));
    expect(requestHash(priced('00.42'))).toBe(requestHash(priced(0.42)));
    expect(requestHash(priced('10'))).toBe(requestHash(priced(10)));
    expect(requestHash(priced(0.43))).not.toBe(requestHash(priced(0.42)));
    expect(decimalText(1e-7)).toBe('0.0000001');
    expect(decimalText('-0.0')).toBe('0');
  });

  it('refuses quote ids X3 cannot carry', () => {
    expect(quoteIdProblem('Q-2026-0042', 30)).toBeNull();
    expect(quoteIdProblem('x'.repeat(31), 30)).toMatch(/31 characters.*CUSORDREF.*30/);
    expect(quoteIdProblem('a b', 30)).toMatch(/visible/);
  });
});

describe('outbox decisions', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const ctx = { sends: 1, now, policy: defaultRetryPolicy, random: () => 0, lookupOnly: false };

  it('looks the order up before every send, the first one too, and stops sending after maxSends', () => {
    expect(planAttempt(0, null, defaultRetryPolicy)).toEqual({ lookupFirst: true, maySend: true });
    expect(planAttempt(1, 'unavailable', defaultRetryPolicy).lookupFirst).toBe(true);
    expect(planAttempt(defaultRetryPolicy.maxSends, 'unavailable', defaultRetryPolicy).maySend).toBe(false);
  });

  it('ends on created, adopted and rejected, and retries the rest with growing delays', () => {
    expect(decideAfterAttempt({ outcome: 'created' }, ctx)).toMatchObject({
      quoteStatus: 'created',
      event: 'order.created',
    });
    expect(decideAfterAttempt({ outcome: 'adopted' }, ctx)).toMatchObject({ outbox: 'done' });
    expect(decideAfterAttempt({ outcome: 'rejected' }, ctx)).toMatchObject({
      quoteStatus: 'failed',
      event: 'order.failed',
    });
    const first =
      decideAfterAttempt({ outcome: 'unavailable' }, ctx).nextAttemptAt!.getTime() - now.getTime();
    const third =
      decideAfterAttempt({ outcome: 'unavailable' }, { ...ctx, sends: 3 }).nextAttemptAt!.getTime() -
      now.getTime();
    expect(third).toBeGreaterThan(first);
    const retryAfter = decideAfterAttempt({ outcome: 'unavailable', retryAfterMs: 600_000 }, ctx);
    expect(retryAfter.nextAttemptAt!.getTime() - now.getTime()).toBe(600_000);
    const uncertain = decideAfterAttempt({ outcome: 'uncertain' }, ctx);
    expect(uncertain.nextAttemptAt!.getTime() - now.getTime()).toBeGreaterThanOrEqual(
      defaultRetryPolicy.settleMs,
    );
    expect(decideAfterAttempt({ outcome: 'not_found' }, { ...ctx, lookupOnly: true }).quoteStatus).toBe(
      'failed',
    );
    expect(decideAfterAttempt({ outcome: 'not_found' }, ctx).quoteStatus).toBe('pending');
  });

  it('files X3 failures, treating the unknown as possibly landed', () => {
    expect(
      classifyX3Failure({ code: 'x3_rejected', message: 'no', diagnoses: [{ $message: 'x' }] }).outcome,
    ).toBe('rejected');
    expect(classifyX3Failure({ code: 'x3_unavailable', message: 'busy', retryAfterMs: 2000 })).toMatchObject({
      outcome: 'unavailable',
      retryAfterMs: 2000,
    });
    expect(classifyX3Failure(new Error('socket hang up')).outcome).toBe('uncertain');
    expect(classifyX3Failure({ code: 'outcome_uncertain', message: 'timeout' }).outcome).toBe('uncertain');
  });
});

describe('matching an X3 order to a quote', () => {
  const draft = {
    customerCode: 'C0001',
    customerOrderReference: 'Q1',
    salesSite: 'ALD01',
    currency: null,
    requestedDeliveryDate: '2026-12-07',
    lines: [
      { itemRef: 'BOX-S-200', quantity: 500, grossPrice: null, requestedDeliveryDate: '2026-12-07' },
      { itemRef: 'TAPE-48', quantity: 10, grossPrice: null, requestedDeliveryDate: '2026-12-07' },
    ],
  };
  const stored = new Date('2026-06-01T10:00:00Z');
  const order = {
    number: 'SO1',
    customerCode: 'C0001',
    createdAt: '2026-06-01T10:00:03Z',
    lines: [
      { itemRef: 'TAPE-48', quantity: 10 },
      { itemRef: 'BOX-S-200', quantity: 500 },
    ],
  };

  it('adopts only the same customer, the same lines in any order, made after the quote was stored', () => {
    expect(orderMatchesDraft(order, draft, stored)).toBe(true);
    expect(orderMatchesDraft({ ...order, customerCode: 'C0002' }, draft, stored)).toBe(false);
    expect(
      orderMatchesDraft({ ...order, lines: [{ itemRef: 'BOX-L-600', quantity: 99 }] }, draft, stored),
    ).toBe(false);
    expect(orderMatchesDraft({ ...order, lines: order.lines.slice(0, 1) }, draft, stored)).toBe(false);
    expect(orderMatchesDraft({ ...order, createdAt: '2026-01-12T09:00:00Z' }, draft, stored)).toBe(false);
    // X3's clock may run a little behind ours.
    expect(orderMatchesDraft({ ...order, createdAt: '2026-06-01T09:58:00Z' }, draft, stored)).toBe(true);
    expect(orderMatchesDraft({ ...order, createdAt: null, orderDate: '2026-06-01' }, draft, stored)).toBe(
      true,
    );
    expect(orderMatchesDraft({ ...order, createdAt: null, orderDate: '2026-01-12' }, draft, stored)).toBe(
      false,
    );
  });

  it('fails a quote whose reference X3 holds on an unrelated order, with no retry', () => {
    expect(
      decideAfterAttempt(
        { outcome: 'conflict' },
        { sends: 1, now: stored, policy: defaultRetryPolicy, lookupOnly: false },
      ),
    ).toMatchObject({ quoteStatus: 'failed', outbox: 'failed', event: 'order.failed' });
  });
});

describe('leases and giving up', () => {
  const now = new Date('2026-06-01T00:00:00Z');

  it('takes a lease longer than two creates at the connection’s write timeout plus the slot wait', () => {
    expect(attemptLeaseMs(defaultRetryPolicy)).toBeGreaterThan(2 * 120_000 + defaultRetryPolicy.queueWaitMs);
    expect(attemptLeaseMs(defaultRetryPolicy, 300_000)).toBeGreaterThan(
      2 * 300_000 + defaultRetryPolicy.queueWaitMs,
    );
    expect(attemptLeaseMs({ ...defaultRetryPolicy, leaseMs: 3_600_000 })).toBe(3_600_000);
  });

  it('backs off on attempts that sent nothing, and gives up after the attempt or age limit', () => {
    const ctx = { sends: 0, now, policy: defaultRetryPolicy, random: () => 0, lookupOnly: false };
    const wait = (attempts: number) =>
      decideAfterAttempt({ outcome: 'unavailable' }, { ...ctx, attempts }).nextAttemptAt!.getTime() -
      now.getTime();
    expect(wait(5)).toBeGreaterThan(wait(1));
    const capped = decideAfterAttempt(
      { outcome: 'unavailable', error: { code: 'x3_unreachable', message: 'down' } },
      { ...ctx, attempts: defaultRetryPolicy.maxAttempts },
    );
    expect(capped).toMatchObject({
      quoteStatus: 'failed',
      event: 'order.failed',
      error: { code: 'x3_unavailable' },
    });
    expect(capped.error!.message).toMatch(/No create reached X3/);
    const old = decideAfterAttempt(
      { outcome: 'uncertain' },
      { ...ctx, sends: 2, attempts: 3, ageMs: defaultRetryPolicy.maxAgeMs },
    );
    expect(old.quoteStatus).toBe('failed');
    expect(old.error!.message).toMatch(/look in X3/);
  });

  it('hands out create slots up to the limit and refuses after the wait', async () => {
    const gate = new CreateGate();
    const a = await gate.acquire('c', 1, 1000);
    expect(a).toBeTypeOf('function');
    const waiting = gate.acquire('c', 1, 1000);
    a!();
    const b = await waiting;
    expect(b).toBeTypeOf('function');
    expect(await gate.acquire('c', 1, 1)).toBeNull();
    b!();
    expect(await gate.acquire('c', 1, 1)).toBeTypeOf('function');
  });
});
