import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../src/db/test-support/stores.js';
import { orderServices } from '../src/orders/order.deps.js';
import { processPendingQuotes } from '../src/orders/order.service.js';
import { startApiFixture, type ApiFixture } from './api-support.js';
import {
  FAR_FUTURE_MS,
  connectAndMap,
  countSorderPosts,
  drainPending,
  inBatches,
  quoteBody,
  delayedCreatesSettled,
  faultsFired,
  setFaults,
  simOrders,
  startCounting,
} from './orders-support.js';

describe.each(testBackends)('accepting quotes on %s', (kind) => {
  let f: ApiFixture;
  let conn: string;
  let slowConn: string;
  let run = 0;
  const qid = (label: string) => `${kind.slice(0, 2)}-${label}-${++run}`;

  beforeAll(async () => {
    f = await startApiFixture(kind);
    conn = await connectAndMap(f);
    slowConn = await connectAndMap(f, { timeoutMs: 1000 });
  });
  afterAll(async () => {
    await f?.close();
  });

  const accept = (quoteId: string, body: unknown = quoteBody(), connection = conn) =>
    f.call('POST', `/v1/connections/${connection}/quotes/${quoteId}/accept`, body);

  it('creates the order once, replays it, and refuses the same id with another body', async () => {
    const id = qid('once');
    const first = await accept(id);
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ quoteId: id, status: 'created', replayed: false });
    expect(first.body.orderNumber).toMatch(/^SO/);
    const again = await accept(id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    const other = await accept(id, quoteBody({ reference: 'changed' }));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_conflict');
    const orders = (await simOrders(f)).filter((o) => o.CUSORDREF === id);
    expect(orders.map((o) => o.SOHNUM)).toEqual([first.body.orderNumber]);

    const detail = await f.call('GET', `/v1/connections/${conn}/quotes/${id}`);
    expect(detail.body).toMatchObject({
      status: 'created',
      orderNumber: first.body.orderNumber,
      customerCode: 'C0001',
    });
    expect(detail.body.attempts).toHaveLength(1);
    // Looked up before the first send too (nothing found), then created.
    expect(detail.body.attempts[0]).toMatchObject({ outcome: 'created', lookup: true });
    const log = await f.call('GET', `/v1/connections/${conn}/quotes?limit=1`);
    expect(log.body.data[0].quoteId).toBe(id);
    expect(log.body.data).toHaveLength(1);
  });

  it('refuses a quote id longer than X3 can carry, and hides other environments’ quotes', async () => {
    const long = await accept('Q'.repeat(31));
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/CUSORDREF/);
    const foreign = await f.callB('POST', `/v1/connections/${conn}/quotes/${qid('x')}/accept`, quoteBody());
    expect(foreign.status).toBe(404);
  });

  it('lists every unmapped code at once, and names every bad line, sending nothing to X3', async () => {
    const before = await countSorderPosts(f);
    const unmapped = await accept(
      qid('unmapped'),
      quoteBody({
        customerAccount: 'ACC-NOPE',
        lines: [
          { productCode: 'P-NOPE-1', quantity: 1 },
          { productCode: 'P-BOX-S', quantity: 1 },
          { productCode: 'P-NOPE-2', quantity: 1 },
        ],
      }),
    );
    expect(unmapped.status).toBe(422);
    expect(unmapped.body.error.code).toBe('unmapped_codes');
    expect(unmapped.body.error.details).toMatchObject({
      productCodes: ['P-NOPE-1', 'P-NOPE-2'],
      customerAccounts: ['ACC-NOPE'],
    });

    const bad = await accept(
      qid('bad'),
      quoteBody({
        requestedDeliveryDate: '2001-01-01',
        site: 'NOWHR',
        lines: [
          { productCode: 'P-BOX-S', quantity: 0 },
          { productCode: 'P-TAPE', quantity: -2 },
        ],
      }),
    );
    expect(bad.status).toBe(422);
    const fields = bad.body.error.details.problems.map(
      (p: { field: string; code: string }) => `${p.field}:${p.code}`,
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        'requestedDeliveryDate:date_in_past',
        'lines[0].quantity:non_positive_quantity',
        'lines[1].quantity:non_positive_quantity',
        'site:unknown_site',
      ]),
    );

    // A blocked customer and an obsolete item are known to X3 before anything is sent.
    const mapped = await f.call('PUT', `/v1/connections/${conn}/mappings/customers?mode=merge`, [
      { customerAccount: 'ACC-BLOCKED', customerCode: 'C0005' },
    ]);
    expect(mapped.status).toBe(422);
    expect(mapped.body.error.details.problems[0]).toMatchObject({ code: 'customer_blocked' });
    await f.store.executeSql(
      `insert into customer_mappings (connection_id, customer_account, customer_code) values ($1, 'ACC-BLOCKED', 'C0005'), ($1, 'ACC-OK', 'C0001')`,
      [conn],
    );
    await f.store.executeSql(
      `insert into product_mappings (connection_id, product_code, item_ref) values ($1, 'P-OLD', 'BOX-XL-800')`,
      [conn],
    );
    const blocked = await accept(qid('blocked'), quoteBody({ customerAccount: 'ACC-BLOCKED' }));
    expect(blocked.status).toBe(422);
    expect(blocked.body.error.details.problems).toEqual([
      expect.objectContaining({ code: 'customer_blocked' }),
    ]);
    const inactive = await accept(
      qid('inactive'),
      quoteBody({ customerAccount: 'ACC-OK', lines: [{ productCode: 'P-OLD', quantity: 1 }] }),
    );
    expect(inactive.status).toBe(422);
    expect(inactive.body.error.details.problems).toEqual([
      expect.objectContaining({ field: 'lines[0].productCode', code: 'item_inactive' }),
    ]);
    expect(await countSorderPosts(f)).toBe(before);
  });

  it('shows when a pending quote will be tried again, and nothing once it is created', async () => {
    const id = qid('next');
    await setFaults(f, [
      { match: { method: 'POST', class: 'SORDER' }, action: 'status', status: 503, times: 1 },
    ]);
    const before = Date.now();
    const pending = await accept(id);
    await setFaults(f, []);
    expect(pending.status, pending.text).toBe(202);
    const detail = await f.call('GET', `/v1/connections/${conn}/quotes/${id}`);
    expect(detail.body.status).toBe('pending');
    const outbox = await f.store.executeSql(
      'select next_attempt_at from order_outbox where connection_id = $1 and quote_id = $2',
      [conn, id],
    );
    const due = new Date(outbox.rows[0].next_attempt_at as string | Date);
    expect(detail.body.nextAttemptAt).toBe(due.toISOString());
    expect(due.getTime()).toBeGreaterThan(before);
    const listed = await f.call('GET', `/v1/connections/${conn}/quotes?status=pending&limit=500`);
    expect(listed.body.data.find((q: { quoteId: string }) => q.quoteId === id)?.nextAttemptAt).toBe(
      due.toISOString(),
    );

    await drainPending(f, [conn]);
    const done = await f.call('GET', `/v1/connections/${conn}/quotes/${id}`);
    expect(done.body).toMatchObject({ status: 'created', nextAttemptAt: null });
  });

  it('turns 100 concurrent accepts of one quote into one order', async () => {
    const id = qid('herd');
    const answers = await Promise.all(Array.from({ length: 100 }, () => accept(id)));
    for (const a of answers) expect([200, 201, 202], a.text).toContain(a.status);
    await drainPending(f, [conn]);
    const orders = (await simOrders(f)).filter((o) => o.CUSORDREF === id);
    expect(orders).toHaveLength(1);
    const numbers = new Set(answers.filter((a) => a.body.orderNumber).map((a) => a.body.orderNumber));
    expect([...numbers]).toEqual([orders[0]!.SOHNUM]);
  });

  const faults: Array<[string, Record<string, unknown>, 'slow' | 'normal']> = [
    ['commit_then_drop', { action: 'commit_then_drop', times: 20 }, 'normal'],
    ['reset', { action: 'reset', times: 20 }, 'normal'],
    ['503', { action: 'status', status: 503, times: 20 }, 'normal'],
    ['429 with Retry-After', { action: 'status', status: 429, retryAfter: 1, times: 20 }, 'normal'],
    ['token expiry mid-flight', { action: 'token_expire', times: 20 }, 'normal'],
    // Past the slow connection's 1 s write timeout: X3 commits each of these after the client gave up.
    ['delay past the write timeout', { action: 'delay', ms: 2500, times: 20 }, 'slow'],
  ];

  it.each(faults)('ends 50 quotes as exactly 50 orders through %s', async (label, rule, which) => {
    const connection = which === 'slow' ? slowConn : conn;
    const ids = Array.from({ length: 50 }, () => qid(label.split(' ')[0]!.replace(/[^a-z0-9]/gi, '')));
    await startCounting(f);
    await setFaults(f, [{ match: { method: 'POST', class: 'SORDER' }, ...rule }]);
    const statuses: number[] = [];
    await inBatches(ids, 10, async (id) => {
      const a = await accept(id, quoteBody(), connection);
      statuses.push(a.status);
    });
    // Read before the rules are cleared: each firing of a delay is a create X3 is still holding.
    const fired = await faultsFired(f, rule.times as number);
    await setFaults(f, []);
    expect(
      statuses.every((s) => s === 201 || s === 202),
      statuses.join(','),
    ).toBe(true);
    // A delayed create still lands after the client gave up: let X3 finish every create sent
    // before any lookup, as the settle time does in production.
    await drainPending(f, [connection], which === 'slow' ? delayedCreatesSettled(f, fired) : undefined);
    const orders = (await simOrders(f)).filter((o) => ids.includes(o.CUSORDREF));
    expect(orders).toHaveLength(50);
    const byRef = new Map(orders.map((o) => [o.CUSORDREF as string, o.SOHNUM as string]));
    const quotes = await f.store.executeSql(
      `select quote_id, order_number, status from quotes where quote_id = any($1::text[])`,
      [ids],
    );
    for (const q of quotes.rows) {
      expect(q.status).toBe('created');
      expect(q.order_number).toBe(byRef.get(q.quote_id));
    }
    if (which === 'slow') {
      // The creates X3 committed after the client gave up were found by lookup, not sent twice.
      const adopted = await f.store.executeSql(
        `select count(*)::int as n from order_attempts where outcome = 'adopted' and quote_id = any($1::text[])`,
        [ids],
      );
      expect(Number(adopted.rows[0].n)).toBeGreaterThan(0);
    }
  });

  it('reconciles a quote whose sender stopped between sending and recording, by lookup', async () => {
    const { orders } = orderServices(f.app.deps);
    // The state a sender killed after X3 took the order leaves behind: an attempt in flight, a
    // lapsed lease, no order number recorded.
    const id2 = qid('dead');
    const seeded = await accept(id2);
    expect(seeded.status).toBe(201);
    await f.store.executeSql(
      `update quotes set status = 'sending', order_number = null where quote_id = $1`,
      [id2],
    );
    await f.store.executeSql(
      `update order_outbox set state = 'sending', lease_owner = 'doomed', lease_until = now() where quote_id = $1`,
      [id2],
    );
    await f.store.executeSql(
      `update order_attempts set outcome = 'in_flight', finished_at = null, order_number = null where quote_id = $1`,
      [id2],
    );
    const before = await countSorderPosts(f);
    // First the lapsed attempt is closed as uncertain and the lookup put off until X3 settled…
    const released = await processPendingQuotes(orders, { now: new Date(Date.now() + FAR_FUTURE_MS) });
    expect(released.created).toBe(0);
    const held = await f.call('GET', `/v1/connections/${conn}/quotes/${id2}`);
    expect(held.body).toMatchObject({ status: 'pending', orderNumber: null });
    // …then the lookup adopts the order X3 took.
    const r = await processPendingQuotes(orders, { now: new Date(Date.now() + 2 * FAR_FUTURE_MS) });
    expect(r.created).toBeGreaterThanOrEqual(1);
    const detail = await f.call('GET', `/v1/connections/${conn}/quotes/${id2}`);
    expect(detail.body.status).toBe('created');
    expect(detail.body.orderNumber).toBe(seeded.body.orderNumber);
    expect(detail.body.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['uncertain', 'adopted']);
    expect(await countSorderPosts(f)).toBe(before);
  });
});
