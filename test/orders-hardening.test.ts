/* eslint-disable @typescript-eslint/no-explicit-any -- SQL rows and JSON read back from the simulator */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../src/db/test-support/stores.js';
import { orderServices, runOrderAttemptJob } from '../src/orders/order.deps.js';
import { processPendingQuotes } from '../src/orders/order.service.js';
import { startApiFixture, type ApiFixture } from './api-support.js';
import {
  FAR_FUTURE_MS,
  connectAndMap,
  drainPending,
  faultsFired,
  quoteBody,
  setFaults,
  simOrders,
  simRequests,
  waitFor,
} from './orders-support.js';

/**
 * Review findings on quote → order, each reproduced against the running app and the simulator:
 * one fixture per backend, one connection per test where the X3 client's state (breaker) matters.
 */
describe.each(testBackends)('quote → order hardening on %s', (kind) => {
  let f: ApiFixture;
  let conn: string;
  let run = 0;
  const qid = (label: string) => `${kind.slice(0, 2)}-${label}-${++run}`;
  const accept = (quoteId: string, body: unknown = quoteBody(), connection = conn) =>
    f.call('POST', `/v1/connections/${connection}/quotes/${quoteId}/accept`, body);
  const ordersFor = async (quoteId: string) => (await simOrders(f)).filter((o) => o.CUSORDREF === quoteId);
  const sql = async (text: string, values?: unknown[]) =>
    (await f.store.executeSql(text, values)).rows as any[];

  beforeAll(async () => {
    f = await startApiFixture(kind);
    conn = await connectAndMap(f);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('fails, before any send, a quote whose id X3 already carries on an unrelated order', async () => {
    const seeded = await ordersFor('PO-BLB-1001');
    expect(seeded.length).toBeGreaterThan(0);
    await sql(
      `insert into product_mappings (connection_id, product_code, item_ref) values ($1, 'P-BOX-L', 'BOX-L-600') on conflict do nothing`,
      [conn],
    );
    await setFaults(f, [
      { match: { method: 'POST', class: 'SORDER' }, action: 'status', status: 503, times: 1 },
    ]);
    const before = (await simOrders(f)).length;
    const answer = await accept(
      'PO-BLB-1001',
      quoteBody({ lines: [{ productCode: 'P-BOX-L', quantity: 99 }] }),
    );
    const unfired = await faultsFired(f, 1);
    await setFaults(f, []);
    expect(answer.status, answer.text).toBe(409);
    expect(answer.body.error.code).toBe('conflict');
    expect(answer.body.error.details).toMatchObject({
      status: 'failed',
      conflictingOrders: seeded.map((o) => o.SOHNUM),
    });
    expect(answer.body.error.message).toContain(seeded[0]!.SOHNUM);
    // Nothing was sent (the 503 rule never fired) and the seeded order was not taken for this quote.
    expect(unfired).toBe(0);
    expect((await simOrders(f)).length).toBe(before);
    await drainPending(f, [conn]);
    const detail = await f.call('GET', `/v1/connections/${conn}/quotes/PO-BLB-1001`);
    expect(detail.body).toMatchObject({ status: 'failed', orderNumber: null });
  });

  it('fails, without adopting or sending, a quote whose reference turns up on another order in X3', async () => {
    const id = qid('clash');
    await setFaults(f, [
      { match: { method: 'POST', class: 'SORDER' }, action: 'status', status: 503, times: 1 },
    ]);
    const pending = await accept(id);
    await setFaults(f, []);
    expect(pending.status, pending.text).toBe(202);
    // Someone keys an order by hand in X3 with the same customer reference, same customer, other lines.
    const direct = await f.call(
      'POST',
      `/v1/connections/${conn}/sales-orders`,
      {
        salesSite: 'ALD01',
        customerCode: 'C0001',
        customerOrderReference: id,
        lines: [{ itemRef: 'BOX-M-400', quantity: 7 }],
      },
      { 'idempotency-key': `direct-${id}` },
    );
    expect(direct.status, direct.text).toBe(201);
    await drainPending(f, [conn]);
    const detail = await f.call('GET', `/v1/connections/${conn}/quotes/${id}`);
    expect(detail.body.status).toBe('failed');
    expect(detail.body.orderNumber).toBeNull();
    expect(detail.body.lastError.details.conflictingOrders).toEqual([direct.body.number]);
    expect(detail.body.lastError.message).toContain(direct.body.number);
    expect((await ordersFor(id)).map((o) => o.SOHNUM)).toEqual([direct.body.number]);
  });

  it('never sends twice while a slow create is in flight, whoever sweeps and whenever', async () => {
    const { orders } = orderServices(f.app.deps);
    // Another process: its own in-process single flight, its own lease name.
    const other = { ...orders, workerId: 'w_other' };
    const id = qid('slow');
    await setFaults(f, [{ match: { method: 'POST', class: 'SORDER' }, action: 'delay', ms: 1500, times: 1 }]);
    const first = accept(id);
    await waitFor(async () => (await faultsFired(f, 1)) >= 1, 'the create to reach X3');
    // Just past the old fixed lease, then far past any lease: the first takes nothing over, the
    // second takes over but must wait for X3 to settle before looking the order up.
    await processPendingQuotes(other, { now: new Date(Date.now() + 181_000) });
    await processPendingQuotes(other, { now: new Date(Date.now() + FAR_FUTURE_MS) });
    const answer = await first;
    await setFaults(f, []);
    expect([201, 202], answer.text).toContain(answer.status);
    // The first sender's answer stayed on its own attempt; the lookup after the settle time adopts it.
    await processPendingQuotes(other, { now: new Date(Date.now() + 2 * FAR_FUTURE_MS) });
    await drainPending(f, [conn]);
    const inX3 = await ordersFor(id);
    expect(inX3).toHaveLength(1);
    const detail = await f.call('GET', `/v1/connections/${conn}/quotes/${id}`);
    expect(detail.body).toMatchObject({ status: 'created', orderNumber: inX3[0]!.SOHNUM });
  });

  it('queues the retry job on a 202, and the job handler completes the quote', async () => {
    const id = qid('job');
    await setFaults(f, [
      { match: { method: 'POST', class: 'SORDER' }, action: 'status', status: 503, times: 1 },
    ]);
    const pending = await accept(id);
    await setFaults(f, []);
    expect(pending.status, pending.text).toBe(202);
    const jobs = await sql(
      `select data from pgboss.job where name = 'orders.attempt' and data->>'quoteId' = $1`,
      [id],
    );
    expect(jobs).toHaveLength(1);
    // As if the job's start time had come.
    await sql('update order_outbox set next_attempt_at = now() where quote_id = $1', [id]);
    await runOrderAttemptJob(orderServices(f.app.deps).orders, jobs[0].data);
    const detail = await f.call('GET', `/v1/connections/${conn}/quotes/${id}`);
    expect(detail.body.status).toBe('created');
  });

  it('gives up, with order.failed, on a quote whose attempts never get to send', async () => {
    const c = await connectAndMap(f);
    const id = qid('stuck');
    await setFaults(f, [
      { match: { method: 'POST', class: 'SORDER' }, action: 'status', status: 503, times: 1 },
      { match: { method: 'GET', class: 'SORDER' }, action: 'status', status: 503, times: 100_000 },
    ]);
    try {
      const pending = await accept(id, quoteBody(), c);
      expect(pending.status, pending.text).toBe(202);
      const { orders } = orderServices(f.app.deps);
      const delays: number[] = [];
      let at = Date.now();
      for (let i = 0; i < 3; i++) {
        await processPendingQuotes(orders, { now: new Date(at) });
        const [box] = await sql('select next_attempt_at from order_outbox where quote_id = $1', [id]);
        const next = new Date(box.next_attempt_at).getTime();
        delays.push(next - at);
        at = next;
      }
      // Each lookup fails and nothing is sent, yet the wait grows.
      expect(delays[2]!).toBeGreaterThan(delays[0]!);
      await processPendingQuotes(orders, { now: new Date(Date.now() + 25 * 3_600_000) });
    } finally {
      await setFaults(f, []);
    }
    const detail = await f.call('GET', `/v1/connections/${c}/quotes/${id}`);
    expect(detail.body.status).toBe('failed');
    expect(detail.body.lastError.code).toBe('x3_unavailable');
    const events = await sql(`select data from webhook_events where type = 'order.failed'`);
    expect(events.some((e) => e.data.quoteId === id)).toBe(true);
  });

  it('stores the quote and answers 202 when X3 cannot be reached before it is stored', async () => {
    const c = await connectAndMap(f);
    await sql(`update connections set base_url = 'http://x3-nowhere.invalid:8124' where id = $1`, [c]);
    f.app.deps.connections.invalidate(c);
    const id = qid('dns');
    const answer = await accept(id, quoteBody(), c);
    expect(answer.status, answer.text).toBe(202);
    expect(answer.body).toMatchObject({ quoteId: id, status: 'pending', orderNumber: null });
    const detail = await f.call('GET', `/v1/connections/${c}/quotes/${id}`);
    expect(detail.body.status).toBe('pending');
    expect(detail.body.lastError.code).toBe('x3_unreachable');
  });

  it('treats the same quote with a price as number or text, in any key order, as one quote', async () => {
    const id = qid('same');
    const first = await accept(id, quoteBody());
    expect(first.status, first.text).toBe(201);
    const body = quoteBody({
      lines: [
        { unitPrice: '0.42', quantity: 500, productCode: 'P-BOX-S' },
        { quantity: 12, productCode: 'P-TAPE' },
      ],
    });
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await accept(id, reordered);
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({ orderNumber: first.body.orderNumber, replayed: true });
    expect(
      (await accept(id, quoteBody({ lines: [{ productCode: 'P-BOX-S', quantity: 500, unitPrice: '0.43' }] })))
        .status,
    ).toBe(409);
  });

  it('lets a failed quote be accepted again with a corrected body, keeping the old attempts', async () => {
    const id = qid('again');
    await setFaults(f, [
      { match: { method: 'POST', class: 'SORDER' }, action: 'status', status: 400, times: 1 },
    ]);
    const refused = await accept(id);
    await setFaults(f, []);
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.error.code).toBe('x3_rejected');
    // The same body again is still the same refusal.
    const replay = await accept(id);
    expect(replay.status).toBe(422);
    expect(replay.body.error.code).toBe('x3_rejected');
    const corrected = await accept(id, quoteBody({ reference: 'corrected' }));
    expect(corrected.status, corrected.text).toBe(201);
    expect(corrected.body).toMatchObject({ status: 'created', replayed: false });
    const detail = await f.call('GET', `/v1/connections/${conn}/quotes/${id}`);
    expect(detail.body.reference).toBe('corrected');
    expect(detail.body.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['rejected', 'created']);
    expect(await ordersFor(id)).toHaveLength(1);
  });

  it('refuses unknown fields, naming them, on accept, mappings and webhooks', async () => {
    const typo = await accept(qid('typo'), {
      ...quoteBody(),
      lines: [{ productCode: 'P-BOX-S', quantity: 1, unitprice: 0.1 }],
    });
    expect(typo.status, typo.text).toBe(400);
    expect(typo.body.error.code).toBe('invalid_body');
    expect(typo.body.error.message).toContain('unitprice');
    const mapping = await f.call('PUT', `/v1/connections/${conn}/mappings/products?mode=merge`, [
      { productCode: 'P-BOX-S', itemRef: 'BOX-S-200', itemref: 'x' },
    ]);
    expect(mapping.status, mapping.text).toBe(400);
    expect(mapping.body.error.message).toContain('itemref');
    const hook = await f.call('POST', '/v1/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      events: ['order.created'],
      secret: 'mine',
    });
    expect(hook.status, hook.text).toBe(400);
    expect(hook.body.error.message).toContain('secret');
  });

  it('takes back on PUT what GET gives out for mappings, as { data } or a bare list', async () => {
    const got = await f.call('GET', `/v1/connections/${conn}/mappings/products`);
    expect(got.status).toBe(200);
    expect(got.body.nextCursor).toBeNull();
    const rows = got.body.data.map((r: any) => ({ productCode: r.productCode, itemRef: r.itemRef }));
    const wrapped = await f.call('PUT', `/v1/connections/${conn}/mappings/products`, { data: rows });
    expect(wrapped.status, wrapped.text).toBe(200);
    expect(wrapped.body.data.map((r: any) => r.productCode)).toEqual(rows.map((r: any) => r.productCode));
    const page = await f.call('GET', `/v1/connections/${conn}/mappings/products?limit=1`);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await f.call(
      'GET',
      `/v1/connections/${conn}/mappings/products?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`,
    );
    expect(next.body.data[0].productCode).not.toBe(page.body.data[0].productCode);
  });

  it('answers a replay during another process’s attempt with pending, not sending', async () => {
    const id = qid('busy');
    const first = await accept(id);
    expect(first.status).toBe(201);
    // Another process holds the quote right now.
    await sql(`update quotes set status = 'sending', order_number = null where quote_id = $1`, [id]);
    await sql(
      `update order_outbox set state = 'sending', lease_owner = 'w_elsewhere', lease_until = now() + interval '1 hour' where quote_id = $1`,
      [id],
    );
    const replay = await accept(id);
    expect(replay.status).toBe(202);
    expect(replay.body.status).toBe('pending');
    await sql(`update quotes set status = 'created', order_number = $2 where quote_id = $1`, [
      id,
      first.body.orderNumber,
    ]);
    await sql(
      `update order_outbox set state = 'done', lease_owner = null, lease_until = null where quote_id = $1`,
      [id],
    );
  });

  it('refuses to delete a connection while quotes on it are pending', async () => {
    const c = await connectAndMap(f);
    const id = qid('del');
    await setFaults(f, [
      { match: { method: 'POST', class: 'SORDER' }, action: 'status', status: 503, times: 1 },
    ]);
    const pending = await accept(id, quoteBody(), c);
    await setFaults(f, []);
    expect(pending.status).toBe(202);
    const refused = await f.call('DELETE', `/v1/connections/${c}`);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect(refused.body.error.message).toMatch(/pending/);
    expect(refused.body.error.details.quoteIds).toEqual([id]);
    await drainPending(f, [c]);
    expect((await f.call('DELETE', `/v1/connections/${c}`)).status).toBe(204);
  });

  it('suggests from a cached, slim copy of the master and says when it was cut', async () => {
    const ask = () =>
      f.call('POST', `/v1/connections/${conn}/mappings/products/suggest`, {
        products: [{ productCode: 'box-s-200' }],
      });
    const first = await ask();
    expect(first.status, first.text).toBe(200);
    expect(first.body.data[0].suggestions[0]).toMatchObject({
      itemRef: 'BOX-S-200',
      reason: 'normalized_code',
    });
    expect(first.body.truncated).toBe(false);
    await fetch(`${f.simulator.url}/__sim/requests`, { method: 'DELETE' });
    const second = await ask();
    expect(second.body).toEqual(first.body);
    // The second answer came from the cache: X3 was not asked for its items again.
    expect((await simRequests(f)).filter((r) => r.path.includes('/ITMMASTER'))).toHaveLength(0);
  });
});
