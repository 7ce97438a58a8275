/* eslint-disable @typescript-eslint/no-explicit-any -- JSON read back from the simulator's control plane */
import { expect } from 'vitest';
import type { ApiFixture } from './api-support.js';
import { orderServices } from '../src/orders/order.deps.js';
import { processPendingQuotes } from '../src/orders/order.service.js';

export const FAR_FUTURE_MS = 24 * 3_600_000;

/** Polls `check` until it returns true; no fixed sleeps, a bounded number of turns. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  what: string,
  turns = 400,
): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export async function simJson(f: ApiFixture, path: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(`${f.simulator.url}${path}`, init);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export async function setFaults(f: ApiFixture, rules: unknown[]): Promise<void> {
  const res = await fetch(`${f.simulator.url}/__sim/faults`, {
    method: rules.length ? 'PUT' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    ...(rules.length ? { body: JSON.stringify({ rules }) } : {}),
  });
  expect(res.status).toBeLessThan(300);
}

export async function simOrders(f: ApiFixture): Promise<Array<Record<string, any>>> {
  const body = (await simJson(f, '/__sim/folders/ALDGATE/SORDER')) as any;
  return Array.isArray(body) ? body : (body.records ?? body.data ?? body.$resources ?? []);
}

export async function simRequests(
  f: ApiFixture,
): Promise<Array<{ method: string; path: string; status: number }>> {
  const body = (await simJson(f, '/__sim/requests')) as any;
  return Array.isArray(body) ? body : (body.requests ?? body.data ?? []);
}

export async function countSorderPosts(f: ApiFixture): Promise<number> {
  return (await simRequests(f)).filter((r) => r.method === 'POST' && r.path.includes('/SORDER')).length;
}

/** Creates the Aldgate connection and maps every product and customer the tests use. */
export async function connectAndMap(
  f: ApiFixture,
  settings?: Record<string, unknown>,
  baseUrl?: string,
): Promise<string> {
  const created = await f.call(
    'POST',
    '/v1/connections',
    f.connectionBody({ ...(settings ? { settings } : {}), ...(baseUrl ? { baseUrl } : {}) }),
  );
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  const products = await f.call('PUT', `/v1/connections/${id}/mappings/products`, [
    { productCode: 'P-BOX-S', itemRef: 'BOX-S-200' },
    { productCode: 'P-BOX-M', itemRef: 'BOX-M-400' },
    { productCode: 'P-TAPE', itemRef: 'TAPE-48-BRN' },
  ]);
  expect(products.status, products.text).toBe(200);
  const customers = await f.call('PUT', `/v1/connections/${id}/mappings/customers`, [
    { customerAccount: 'ACC-1001', customerCode: 'C0001' },
    { customerAccount: 'ACC-1002', customerCode: 'C0002' },
  ]);
  expect(customers.status, customers.text).toBe(200);
  return id;
}

export function quoteBody(overrides: Record<string, unknown> = {}) {
  return {
    customerAccount: 'ACC-1001',
    requestedDeliveryDate: '2099-12-07',
    reference: 'Q-REF',
    site: 'ALD01',
    lines: [
      { productCode: 'P-BOX-S', quantity: 500, unitPrice: 0.42 },
      { productCode: 'P-TAPE', quantity: 12 },
    ],
    ...overrides,
  };
}

/**
 * Drives retries to the end the way the worker would, with the clock moved past every backoff,
 * after letting every create X3 is still working on finish (so a lookup never races it).
 */
async function totalSends(f: ApiFixture): Promise<number> {
  const sends = await f.store.executeSql('select coalesce(sum(sends), 0)::int as n from quotes');
  return Number(sends.rows[0].n);
}

/** Empties the simulator's (bounded) request log and notes how many creates were sent so far. */
export async function startCounting(f: ApiFixture): Promise<number> {
  await fetch(`${f.simulator.url}/__sim/requests`, { method: 'DELETE' });
  return totalSends(f);
}

/** How many times the fault rules fired so far, from what is left of each rule's `times`. */
export async function faultsFired(f: ApiFixture, timesSet: number): Promise<number> {
  const body = (await simJson(f, '/__sim/faults')) as { rules: Array<{ times?: number }> };
  return body.rules.reduce((n, r) => n + (timesSet - (r.times ?? timesSet)), 0);
}

/**
 * True once the simulator finished every delayed create: it logs a call only when the call can
 * no longer change the folder, even when the client gave up on it first.
 */
export function delayedCreatesSettled(f: ApiFixture, fired: number): () => Promise<boolean> {
  return async () =>
    (await simRequests(f)).filter(
      (r) => r.method === 'POST' && r.path.includes('/SORDER') && (r as { fault?: string }).fault === 'delay',
    ).length >= fired;
}

export async function drainPending(
  f: ApiFixture,
  connections: string[],
  settled: () => Promise<boolean> = async () => true,
  rounds = 20,
): Promise<void> {
  const { orders } = orderServices(f.app.deps);
  for (let i = 0; i < rounds; i++) {
    await waitFor(settled, 'X3 to finish every create it is still working on');
    // The client pauses calls to X3 after repeated failures; wait until a read goes through.
    for (const c of connections) {
      await waitFor(
        async () => (await f.call('GET', `/v1/connections/${c}/items?limit=1`)).status === 200,
        'the X3 client to resume calls',
        800,
      );
    }
    const r = await processPendingQuotes(orders, {
      now: new Date(Date.now() + FAR_FUTURE_MS),
      concurrency: 8,
    });
    const open = await f.store.executeSql(
      `select count(*)::int as n from quotes where status in ('pending','sending')`,
    );
    if (r.processed === 0 && Number(open.rows[0].n) === 0) return;
  }
  const left = await f.store.executeSql(
    `select q.quote_id, q.status, q.last_error, o.state, o.next_attempt_at, o.lease_until from quotes q join order_outbox o using (connection_id, quote_id) where q.status in ('pending','sending') limit 3`,
  );
  throw new Error(`quotes still pending after every retry round: ${JSON.stringify(left.rows)}`);
}

export async function inBatches<T>(items: T[], size: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}
