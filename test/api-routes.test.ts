import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../src/db/test-support/stores.js';
import {
  claimKey,
  claimWindowMs,
  releaseKey,
  renewClaim,
  requestHash,
  storeAnswer,
} from '../src/resources/idempotency.js';
import { startApiFixture, type ApiFixture } from './api-support.js';

describe.each(testBackends)('business-document routes on %s', (kind) => {
  let f: ApiFixture;
  let base: string;

  beforeAll(async () => {
    f = await startApiFixture(kind);
    const created = await f.call('POST', '/v1/connections', f.connectionBody());
    expect(created.status).toBe(201);
    base = `/v1/connections/${created.body.id}`;
  });
  afterAll(async () => {
    await f?.close();
  });

  it('lists customers page by page with a sealed cursor', async () => {
    const first = await f.call('GET', `${base}/customers?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.data[0].raw).toBeUndefined();
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await f.call(
      'GET',
      `${base}/customers?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.status).toBe(200);
    const codes = [...first.body.data, ...second.body.data].map((c: { code: string }) => c.code);
    expect(new Set(codes).size).toBe(codes.length);

    const tampered = first.body.nextCursor.slice(0, -2) + (first.body.nextCursor.endsWith('A') ? 'BB' : 'AA');
    const bad = await f.call('GET', `${base}/customers?limit=2&cursor=${encodeURIComponent(tampered)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_query');
    const injected = Buffer.from(JSON.stringify([['key', "gt.C' or 1 eq 1"]])).toString('base64url');
    expect((await f.call('GET', `${base}/customers?cursor=${injected}`)).status).toBe(400);
    const otherFilters = await f.call(
      'GET',
      `${base}/customers?limit=2&search=a&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(otherFilters.status).toBe(400);
    const otherList = await f.call(
      'GET',
      `${base}/items?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(otherList.status).toBe(400);
  });

  it('checks limits and filters', async () => {
    expect((await f.call('GET', `${base}/customers?limit=501`)).status).toBe(400);
    expect((await f.call('GET', `${base}/customers?limit=0`)).status).toBe(400);
    expect((await f.call('GET', `${base}/sales-orders?from=yesterday`)).status).toBe(400);
    const refused: Array<[string, string]> = [
      [`${base}/customers?bogus=1`, '"bogus"'],
      [`${base}/sales-orders?updatedsince=2026-01-01`, '"updatedsince"'],
      [`${base}/customers/C0001?site=ALD01`, '"site"'],
      [`${base}/sales-orders?from=2026-13-45`, 'from'],
      [`${base}/deliveries?to=2026-02-30`, 'to'],
      [`${base}/sales-orders?updatedSince=2026-01-01T25:00Z`, 'updatedSince'],
      [`${base}/customers?search=%25`, 'search'],
    ];
    for (const [path, named] of refused) {
      const res = await f.call('GET', path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe('invalid_query');
      expect(res.body.error.message, path).toContain(named);
    }
    const percent = await f.call('GET', `${base}/items?search=10%25`);
    expect(percent.body.error.message).toContain('wildcard');
    const searched = await f.call('GET', `${base}/customers?search=${encodeURIComponent("ald' or 'a")}`);
    expect(searched.status).toBe(200);
    expect(searched.body.data).toEqual([]);
  });

  it('reads one customer, with raw on request, and 404 for an unknown code', async () => {
    const one = await f.call('GET', `${base}/customers/C0001?include=raw`);
    expect(one.status).toBe(200);
    expect(one.body.code).toBe('C0001');
    expect(one.body.raw.BPCNUM).toBe('C0001');
    const missing = await f.call('GET', `${base}/customers/NOPE999`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('tells which record of which folder is missing, with X3 diagnosis kept aside', async () => {
    const cases: Array<[string, string, unknown?]> = [
      [`customers/C9999`, 'No customer C9999 in folder ALDGATE.'],
      [`items/NO-ITEM`, 'No item NO-ITEM in folder ALDGATE.'],
      [`sales-orders/SO404`, 'No sales order SO404 in folder ALDGATE.'],
      [`purchase-orders/PO404`, 'No purchase order PO404 in folder ALDGATE.'],
      [`supplier-invoices/PI404`, 'No supplier invoice PI404 in folder ALDGATE.'],
      [`journal-entries/ODP/JE404`, 'No journal entry ODP JE404 in folder ALDGATE.'],
      [`deliveries/SD404`, 'No delivery SD404 in folder ALDGATE.'],
      [`customers/C9999`, 'No customer C9999 in folder ALDGATE.', { name: 'Nobody' }],
    ];
    for (const [path, message, patch] of cases) {
      const res = await f.call(patch ? 'PATCH' : 'GET', `${base}/${path}`, patch);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      expect(res.body.error.message).toBe(message);
      expect(res.body.error.details.folder).toBe('ALDGATE');
      expect(res.body.error.details.x3Status).toBeUndefined();
    }
    const customer = await f.call('GET', `${base}/customers/C9999`);
    expect(customer.body.error.details.x3Diagnosis).toContain('721');
  });

  it('creates and updates a customer', async () => {
    const code = `T${kind === 'pglite' ? 'P' : 'G'}${Date.now().toString().slice(-6)}`;
    const created = await f.call('POST', `${base}/customers`, {
      code,
      name: 'Test Buyer Ltd',
      currency: 'GBP',
    });
    expect(created.status).toBe(201);
    expect(created.body.code).toBe(code);
    const updated = await f.call('PATCH', `${base}/customers/${code}`, { name: 'Test Buyer Limited' });
    expect(updated.status).toBe(200);
    expect(updated.body.name).toBe('Test Buyer Limited');
    const invalid = await f.call('POST', `${base}/customers`, { code, currency: 'GBP' });
    expect(invalid.status).toBe(400);
  });

  it('reads items with stock for one site', async () => {
    const list = await f.call('GET', `${base}/items?limit=5`);
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThan(0);
    const item = await f.call('GET', `${base}/items/BOX-S-200?site=ALD01`);
    expect(item.status).toBe(200);
    expect(item.body.ref).toBe('BOX-S-200');
    expect(item.body.stock.length).toBeGreaterThan(0);
    expect(item.body.stock.every((s: { site: string }) => s.site === 'ALD01')).toBe(true);
    const withStock = await f.call('GET', `${base}/items?limit=3&site=ALD01`);
    expect(withStock.body.data.every((i: { stock?: unknown[] }) => Array.isArray(i.stock))).toBe(true);
  });

  describe('sales orders', () => {
    const order = (ref: string) => ({
      salesSite: 'ALD01',
      customerCode: 'C0001',
      customerOrderReference: ref,
      lines: [{ itemRef: 'BOX-S-200', quantity: 10 }],
    });

    it('needs an Idempotency-Key', async () => {
      const res = await f.call('POST', `${base}/sales-orders`, order(`NK-${randomUUID().slice(0, 8)}`));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('Idempotency-Key');
    });

    it('creates once, replays the answer, and refuses the key with another body', async () => {
      const key = randomUUID();
      const body = order(`IK-${key.slice(0, 8)}`);
      const first = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(first.body.number).toEqual(expect.any(String));
      expect(first.body.lines).toHaveLength(1);
      const again = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': key });
      expect(again.status).toBe(201);
      expect(again.body.number).toBe(first.body.number);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const other = await f.call(
        'POST',
        `${base}/sales-orders`,
        { ...body, lines: [{ itemRef: 'BOX-S-200', quantity: 11 }] },
        {
          'idempotency-key': key,
        },
      );
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('idempotency_conflict');

      const read = await f.call('GET', `${base}/sales-orders/${encodeURIComponent(first.body.number)}`);
      expect(read.status).toBe(200);
      expect(read.body.customerOrderReference).toBe(body.customerOrderReference);
      const listed = await f.call(
        'GET',
        `${base}/sales-orders?customer=C0001&customerOrderReference=${body.customerOrderReference}`,
      );
      expect(listed.body.data.map((o: { number: string }) => o.number)).toEqual([first.body.number]);
    });

    it('stores a final refusal and replays it', async () => {
      const key = randomUUID();
      const body = { ...order(`RJ-${key.slice(0, 8)}`), lines: [{ itemRef: 'NO-SUCH-ITEM', quantity: 1 }] };
      const first = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': key });
      expect(first.status).toBe(422);
      expect(first.body.error.code).toBe('x3_rejected');
      const again = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': key });
      expect(again.status).toBe(422);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
    });

    it('resolves an uncertain outcome on replay by looking the order up, never creating twice', async () => {
      const key = randomUUID();
      const body = order(`UN-${key.slice(0, 8)}`);
      f.simulator.setFaults([
        { match: { method: 'POST', class: 'SORDER' }, action: 'commit_then_drop', times: 1 },
      ]);
      let first: Awaited<ReturnType<typeof f.call>>;
      try {
        first = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': key });
      } finally {
        f.simulator.clearFaults();
      }
      expect(first.status).toBe(504);
      expect(first.body.error.code).toBe('outcome_uncertain');
      const again = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': key });
      expect(again.status).toBe(201);
      const stored = f.simulator
        .records('ALDGATE', 'SORDER')
        .filter((o) => o.CUSORDREF === body.customerOrderReference);
      expect(stored).toHaveLength(1);
      expect(again.body.number).toBe(stored[0]!.SOHNUM);
      const third = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': key });
      expect(third.headers.get('idempotent-replayed')).toBe('true');
      expect(third.body.number).toBe(again.body.number);
    });

    it('never adopts another order that carries the same customer reference', async () => {
      // PO-BLB-1001 is on a seeded January order of C0001 (BOX-S-200 × 500, TAPE-48-CLR × 24).
      const seeded = f.simulator.records('ALDGATE', 'SORDER').find((o) => o.CUSORDREF === 'PO-BLB-1001')!;
      const bodies = [
        order('PO-BLB-1001'),
        // Same customer and lines as the seeded order: only its age tells it apart.
        {
          ...order('PO-BLB-1001'),
          lines: [
            { itemRef: 'TAPE-48-CLR', quantity: 24 },
            { itemRef: 'BOX-S-200', quantity: 500 },
          ],
        },
      ];
      for (const body of bodies) {
        const key = randomUUID();
        f.simulator.setFaults([
          { match: { method: 'POST', class: 'SORDER' }, action: 'status', status: 500, times: 1 },
        ]);
        let first: Awaited<ReturnType<typeof f.call>>;
        try {
          first = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': key });
        } finally {
          f.simulator.clearFaults();
        }
        expect(first.status).toBe(504);
        f.simulator.clearRequests();
        const again = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': key });
        expect(again.status).toBe(504);
        expect(again.body.error.code).toBe('outcome_uncertain');
        expect(again.body.error.details.candidates).toEqual([seeded.SOHNUM]);
        expect(again.body.error.message).toContain(String(seeded.SOHNUM));
        expect(f.simulator.requests().filter((r) => r.method === 'POST')).toHaveLength(0);
      }
    });

    it('waits for a live claim, and takes over a stale one by looking the order up first', async () => {
      const connectionId = base.split('/').pop()!;
      const envId = (
        await f.store.db
          .selectFrom('connections')
          .select('environment_id')
          .where('id', '=', connectionId)
          .executeTakeFirstOrThrow()
      ).environment_id;
      const body = order(`ST-${randomUUID().slice(0, 8)}`);
      const made = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': randomUUID() });
      expect(made.status).toBe(201);
      const claim = async (key: string, ageMs: number) =>
        f.store.db
          .insertInto('idempotency_records')
          .values({
            environment_id: envId,
            scope: `sales-orders:${connectionId}`,
            key,
            request_hash: requestHash(body),
            created_at: new Date(Date.now() - ageMs),
          })
          .execute();
      const live = randomUUID();
      await claim(live, 1_000);
      const busy = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': live });
      expect(busy.status).toBe(409);
      expect(busy.body.error.code).toBe('conflict');

      const stale = randomUUID();
      await claim(stale, 60 * 60_000);
      f.simulator.clearRequests();
      const taken = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': stale });
      expect(taken.status).toBe(201);
      expect(taken.body.number).toBe(made.body.number);
      expect(f.simulator.requests().filter((r) => r.method === 'POST')).toHaveLength(0);
    });

    it('holds a claim for longer than one create can take on its connection', async () => {
      const slow = await f.call(
        'POST',
        '/v1/connections',
        f.connectionBody({ settings: { timeoutMs: 300_000 } }),
      );
      expect(slow.status).toBe(201);
      const slowBase = `/v1/connections/${slow.body.id}`;
      const envId = (
        await f.store.db
          .selectFrom('connections')
          .select('environment_id')
          .where('id', '=', slow.body.id)
          .executeTakeFirstOrThrow()
      ).environment_id;
      // Older than the old five minutes and than a default connection's window, younger than this one's.
      const age = (claimWindowMs({}) + claimWindowMs({ timeoutMs: 300_000 })) / 2;
      expect(age).toBeGreaterThan(5 * 60_000);
      const body = order(`SL-${randomUUID().slice(0, 8)}`);
      const stuck = randomUUID();
      for (const [connectionBase, key] of [
        [slowBase, stuck],
        [base, stuck],
      ] as const) {
        await f.store.db
          .insertInto('idempotency_records')
          .values({
            environment_id: envId,
            scope: `sales-orders:${connectionBase.split('/').pop()}`,
            key,
            request_hash: requestHash(body),
            created_at: new Date(Date.now() - age),
          })
          .execute();
      }
      f.simulator.clearRequests();
      const held = await f.call('POST', `${slowBase}/sales-orders`, body, { 'idempotency-key': stuck });
      expect(held.status).toBe(409);
      expect(held.body.error.code).toBe('conflict');
      const taken = await f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': stuck });
      expect(taken.status).toBe(201);
      expect(f.simulator.requests().filter((r) => r.method === 'POST')).toHaveLength(1);
      await f.call('DELETE', slowBase);
    });

    it('records an outcome only under the claim that still holds the key', async () => {
      const envId = (await f.store.db.selectFrom('environments').select('id').executeTakeFirstOrThrow()).id;
      const scope = `test:${randomUUID()}`;
      const window = 60_000;
      const first = await claimKey(f.store.db, envId, scope, 'k', 'h', window);
      expect(first).toMatchObject({ kind: 'claimed', takenOver: false });
      expect(await claimKey(f.store.db, envId, scope, 'k', 'h', window)).toEqual({ kind: 'in_progress' });
      // The first holder stalls past its window without renewing: a second request takes over.
      await f.store.db
        .updateTable('idempotency_records')
        .set({
          response: JSON.stringify({
            claim: {
              token: (first as { token: string }).token,
              until: new Date(Date.now() - 1).toISOString(),
            },
          }),
        })
        .where('scope', '=', scope)
        .execute();
      const second = await claimKey(f.store.db, envId, scope, 'k', 'h', window);
      expect(second).toMatchObject({ kind: 'claimed', takenOver: true });
      const tokenA = (first as { token: string }).token;
      const tokenB = (second as { token: string }).token;
      expect(tokenB).not.toBe(tokenA);
      expect(await renewClaim(f.store.db, envId, scope, 'k', tokenA, window)).toBe(false);
      expect(await renewClaim(f.store.db, envId, scope, 'k', tokenB, window)).toBe(true);
      expect(
        await storeAnswer(f.store.db, envId, scope, 'k', tokenB, { statusCode: 201, body: { n: 'B' } }),
      ).toBe(true);
      // The late first holder finishes now: it must not replace the newer outcome.
      expect(
        await storeAnswer(f.store.db, envId, scope, 'k', tokenA, { statusCode: 201, body: { n: 'A' } }),
      ).toBe(false);
      await releaseKey(f.store.db, envId, scope, 'k', tokenA);
      expect(await claimKey(f.store.db, envId, scope, 'k', 'h', window)).toMatchObject({
        kind: 'replay',
        answer: { statusCode: 201, body: { n: 'B' } },
      });
    });

    it('lets concurrent duplicates reach X3 only once', async () => {
      f.simulator.clearRequests();
      const key = randomUUID();
      const body = order(`CC-${key.slice(0, 8)}`);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          f.call('POST', `${base}/sales-orders`, body, { 'idempotency-key': key }),
        ),
      );
      const posts = f.simulator.requests().filter((r) => r.method === 'POST' && r.path.includes('SORDER'));
      expect(posts).toHaveLength(1);
      const created = answers.filter((a) => a.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((a) => a.body.number)).size).toBe(1);
      for (const a of answers) expect([201, 409]).toContain(a.status);
    });
  });

  it('reads purchase orders, supplier invoices, journal entries, balances and deliveries', async () => {
    const po = await f.call('GET', `${base}/purchase-orders?limit=2`);
    expect(po.status).toBe(200);
    expect(po.body.data.length).toBeGreaterThan(0);
    const poOne = await f.call(
      'GET',
      `${base}/purchase-orders/${encodeURIComponent(po.body.data[0].number)}`,
    );
    expect(poOne.body.number).toBe(po.body.data[0].number);

    const inv = await f.call('GET', `${base}/supplier-invoices?limit=2`);
    expect(inv.status).toBe(200);
    expect(inv.body.data.length).toBeGreaterThan(0);
    const invOne = await f.call(
      'GET',
      `${base}/supplier-invoices/${encodeURIComponent(inv.body.data[0].number)}`,
    );
    expect(invOne.status).toBe(200);

    const je = await f.call('GET', `${base}/journal-entries?limit=2`);
    expect(je.status).toBe(200);
    const entry = je.body.data[0];
    const jeOne = await f.call(
      'GET',
      `${base}/journal-entries/${encodeURIComponent(entry.type)}/${encodeURIComponent(entry.number)}?include=raw`,
    );
    expect(jeOne.status).toBe(200);
    expect(jeOne.body.number).toBe(entry.number);
    expect(jeOne.body.raw).toBeTruthy();

    const balances = await f.call('GET', `${base}/account-balances?limit=50`);
    expect(balances.status).toBe(200);
    expect(balances.body.data.length).toBeGreaterThan(0);
    const year = balances.body.data[0].fiscalYear;
    const byYear = await f.call('GET', `${base}/account-balances?fiscalYear=${year}`);
    expect(byYear.body.data.every((b: { fiscalYear: number }) => b.fiscalYear === year)).toBe(true);

    const deliveries = await f.call('GET', `${base}/deliveries?limit=5`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.data.length).toBeGreaterThan(0);
    const d = deliveries.body.data[0];
    const one = await f.call('GET', `${base}/deliveries/${encodeURIComponent(d.number)}`);
    expect(one.body.number).toBe(d.number);
    const bySo = await f.call(
      'GET',
      `${base}/deliveries?salesOrder=${encodeURIComponent(d.salesOrderNumber)}`,
    );
    expect(bySo.body.data.map((x: { number: string }) => x.number)).toContain(d.number);
    expect(
      bySo.body.data.every((x: { salesOrderNumber: string }) => x.salesOrderNumber === d.salesOrderNumber),
    ).toBe(true);
  });

  it('hides one environment connection from another', async () => {
    for (const path of ['/customers', '/customers/C0001', '/items', '/sales-orders', '/account-balances']) {
      const res = await f.callB('GET', `${base}${path}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const post = await f.callB(
      'POST',
      `${base}/sales-orders`,
      {
        salesSite: 'ALD01',
        customerCode: 'C0001',
        customerOrderReference: 'X',
        lines: [{ itemRef: 'BOX-S-200', quantity: 1 }],
      },
      { 'idempotency-key': randomUUID() },
    );
    expect(post.status).toBe(404);
  });

  it('documents every route in /openapi.json', async () => {
    const res = await fetch(`${f.url}/openapi.json`);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    for (const p of [
      '/v1/connections',
      '/v1/connections/check',
      '/v1/connections/{id}',
      '/v1/connections/{id}/check',
      '/v1/connections/{id}/customers/{code}',
      '/v1/connections/{id}/journal-entries/{type}/{number}',
      '/v1/connections/{id}/account-balances',
      '/v1/connections/{id}/deliveries/{number}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
