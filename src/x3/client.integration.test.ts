import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSimulator, DEMO_CREDENTIALS, type Simulator } from '../simulator/index.js';
import { createX3Client, type X3Client } from './client.js';
import {
  X3AuthError,
  X3FolderNotFoundError,
  X3NotFoundError,
  X3OutcomeUncertainError,
  X3PermissionError,
  X3RejectedError,
  X3TimeoutError,
  X3UnavailableError,
  X3UnreachableError,
} from './errors.js';
import type { X3AuthOptions } from './auth/types.js';
import type { X3Limits } from './options.js';

let sim: Simulator;
const clients: X3Client[] = [];

const oauth: X3AuthOptions = { type: 'client_credentials', ...DEMO_CREDENTIALS.oauth2 };
// Short backoff so that fault tests recover quickly; the policy itself is the production one.
const fastLimits: X3Limits = { baseDelayMs: 1, maxDelayMs: 5, retryAfterCapMs: 20 };

function client(auth: X3AuthOptions = oauth, folder = 'ALDGATE', limits: X3Limits = {}): X3Client {
  const x3 = createX3Client({ baseUrl: sim.url, folder, auth, limits: { ...fastLimits, ...limits } });
  clients.push(x3);
  return x3;
}

const api = () => sim.requests().filter((r) => r.path.startsWith('/api1/'));
const tokens = () => sim.requests().filter((r) => r.path === '/oauth2/token');
const posts = () => api().filter((r) => r.method === 'POST');

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeAll(async () => {
  sim = await createSimulator({ quiet: true });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sim.close();
});

beforeEach(() => {
  sim.clearFaults();
  sim.clearRequests();
});

describe('X3 client against the simulator: headers and auth', () => {
  it.each([
    ['client_credentials (basic)', oauth, 'bearer'],
    [
      'client_credentials (post)',
      { ...oauth, tokenEndpointAuthMethod: 'client_secret_post' } as X3AuthOptions,
      'bearer',
    ],
    ['connected_app', { type: 'connected_app', ...DEMO_CREDENTIALS.connectedApp } as X3AuthOptions, 'bearer'],
    ['basic', { type: 'basic', ...DEMO_CREDENTIALS.basic } as X3AuthOptions, 'basic'],
  ])('%s: every call carries the folder header and the scheme', async (_name, auth, scheme) => {
    const x3 = client(auth, 'ALDTEST');
    await collect(x3.sites.list());
    await x3.customers.page({ pageSize: 2 });
    const calls = api();
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) {
      expect(call.folderHeader).toBe('ALDTEST');
      expect(call.path.startsWith('/api1/x3/erp/ALDTEST/')).toBe(true);
      expect(call.authScheme).toBe(scheme);
      expect(call.status).toBe(200);
    }
    if (auth.type === 'client_credentials') {
      expect(tokens()).toHaveLength(1);
      expect(tokens()[0]!.authScheme).toBe(
        auth.tokenEndpointAuthMethod === 'client_secret_post' ? 'none' : 'basic',
      );
    }
  });

  it('1,000 concurrent reads on a cold cache mint one token; a token_expire costs exactly one more', async () => {
    const x3 = client();
    const results = await Promise.all(Array.from({ length: 1000 }, () => x3.sites.get('ALD01')));
    expect(results.every((s) => s.code === 'ALD01')).toBe(true);
    expect(tokens()).toHaveLength(1);
    expect(api()).toHaveLength(1000);

    sim.setFaults([{ match: { class: 'FACILITY' }, action: 'token_expire', times: 1 }]);
    await Promise.all(Array.from({ length: 200 }, () => x3.sites.get('ALD02')));
    expect(tokens()).toHaveLength(2);
    expect(api().filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);
  });
});

describe('paging', () => {
  it('returns every record exactly once when count is above the server cap', async () => {
    const x3 = client();
    const refs = (await collect(x3.items.list({ pageSize: 500 }))).map((i) => i.ref);
    const expected = sim.records('ALDGATE', 'ITMMASTER').map((r) => String(r.ITMREF));
    expect(expected.length).toBeGreaterThan(100);
    expect(new Set(refs).size).toBe(refs.length);
    expect([...refs].sort()).toEqual([...expected].sort());
    // The cap (100) was applied silently: more pages than count alone would need.
    expect(api().length).toBeGreaterThan(Math.ceil(expected.length / 500));
  });

  it('pages with an opaque cursor and filters', async () => {
    const x3 = client();
    const first = await x3.page('items', { count: 3, filters: { search: 'box' } });
    expect(first.data).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const second = await x3.page('items', {
      count: 3,
      filters: { search: 'box' },
      cursor: first.nextCursor!,
    });
    const seen = new Set([...first.data, ...second.data].map((i) => i.ref));
    expect(seen.size).toBe(first.data.length + second.data.length);
    for (const item of [...first.data, ...second.data]) expect(item.ref).toContain('BOX');
  });
});

describe('faults on reads recover', () => {
  it('429 with Retry-After', async () => {
    const x3 = client();
    sim.setFaults([{ match: { class: 'FACILITY' }, action: 'status', status: 429, retryAfter: 1, times: 2 }]);
    await expect(x3.sites.get('ALD01')).resolves.toMatchObject({ code: 'ALD01' });
    expect(api().map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('503 pool exhaustion', async () => {
    const x3 = client(oauth, 'ALDGATE', { maxConcurrent: 16, retries: 8 });
    sim.setFaults([{ match: { class: 'FACILITY' }, action: 'delay', ms: 20 }]);
    const sites = await Promise.all(Array.from({ length: 32 }, () => x3.sites.get('ALD01')));
    expect(sites).toHaveLength(32);
    expect(api().some((r) => r.status === 503)).toBe(true);
  });

  it('connection resets', async () => {
    const x3 = client();
    sim.setFaults([{ match: { class: 'FACILITY' }, action: 'reset', times: 2 }]);
    await expect(x3.sites.get('ALD01')).resolves.toMatchObject({ code: 'ALD01' });
    expect(api()).toHaveLength(3);
  });
});

describe('faults on a create are never retried', () => {
  const order = (ref: string) => ({
    salesSite: 'ALD01',
    customerCode: 'C0002',
    customerOrderReference: ref,
    requestedDeliveryDate: '2099-12-07',
    lines: [{ itemRef: 'BOX-S-200', quantity: 500, grossPrice: '0.42' }],
  });

  it.each([
    ['reset', { action: 'reset' }, X3OutcomeUncertainError, false],
    ['commit_then_drop', { action: 'commit_then_drop' }, X3OutcomeUncertainError, true],
    ['502', { action: 'status', status: 502 }, X3OutcomeUncertainError, false],
    ['503', { action: 'status', status: 503 }, X3UnavailableError, false],
    ['429', { action: 'status', status: 429, retryAfter: 1 }, X3UnavailableError, false],
  ] as const)('%s', async (name, fault, errorType, committed) => {
    const x3 = client();
    const ref = `Q-FAULT-${name}`;
    sim.setFaults([{ match: { method: 'POST', class: 'SORDER' }, times: 1, ...fault }]);
    const error = await x3.salesOrders.create(order(ref)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorType);
    if (errorType === X3UnavailableError) expect(error).not.toBeInstanceOf(X3OutcomeUncertainError);
    expect(posts()).toHaveLength(1);
    const found = await x3.salesOrders.findByCustomerOrderReference(ref);
    expect(found !== null).toBe(committed);
    expect(posts()).toHaveLength(1);
  });
});

describe('mapping of each object', () => {
  it('customers: model, addresses, create and update by $uuid', async () => {
    const x3 = client();
    const raw = sim.records('ALDGATE', 'BPCUSTOMER').find((r) => r.BPCNUM === 'C0001')!;
    const c = await x3.customers.get('C0001');
    expect(c).toMatchObject({
      code: 'C0001',
      name: 'Brick Lane Bakery',
      currency: 'GBP',
      paymentTerms: '30DAYS',
      taxRule: 'DOM',
      active: true,
    });
    expect(c.addresses.map((a) => a.code)).toEqual((raw.BPCBPA as { BPAADD: string }[]).map((a) => a.BPAADD));
    expect(c.billingAddress).toMatchObject({ code: 'MAIN', city: 'London', postalCode: 'E1 6QL' });
    expect(c.raw.BPCNUM).toBe('C0001');
    expect((await collect(x3.customers.list({ search: 'bakery' }))).map((x) => x.code)).toEqual(['C0001']);

    const created = await x3.customers.create({
      code: 'CINT01',
      name: "O'Neil & Sons",
      currency: 'GBP',
      taxRule: 'DOM',
      paymentTerms: '30DAYS',
      addresses: [
        {
          code: 'MAIN',
          lines: ['1 Test Way'],
          city: 'Leeds',
          postalCode: 'LS1 1AA',
          country: 'GB',
          isDefault: true,
        },
      ],
    });
    expect(created).toMatchObject({ code: 'CINT01', name: "O'Neil & Sons" });
    expect((await collect(x3.customers.list({ search: "o'neil" }))).map((x) => x.code)).toEqual(['CINT01']);

    sim.clearRequests();
    const updated = await x3.customers.update('CINT01', {
      shortName: 'ONEIL',
      addresses: [{ code: 'MAIN', city: 'York' }],
    });
    expect(updated.shortName).toBe('ONEIL');
    expect(updated.addresses).toHaveLength(1);
    expect(updated.addresses[0]).toMatchObject({ code: 'MAIN', city: 'York', lines: ['1 Test Way'] });
    expect(api().map((r) => `${r.method} ${r.query.representation}`)).toEqual([
      'GET BPCUSTOMER.$edit',
      'PUT BPCUSTOMER.$edit',
    ]);

    sim.clearRequests();
    await x3.customers.update('CINT01', { shortName: 'ONEIL' });
    expect(api().map((r) => r.method)).toEqual(['GET']);
  });

  it('reads numeric strings as numbers, keeps money text and custom fields in raw', async () => {
    const x3 = client();
    const settings = sim.settings('ALDGATE');
    settings.numericStrings = true;
    try {
      const [so] = await collect(x3.salesOrders.list({ customer: 'C0001', limit: 1 }));
      const order = await x3.salesOrders.get(so!.number);
      expect(typeof order.lines[0]!.quantity).toBe('number');
      expect(typeof (order.lines[0]!.raw.QTY as unknown)).toBe('string');
      expect(order.totalExcludingTax).toMatch(/^\d+\.\d{2}$/);
    } finally {
      settings.numericStrings = false;
    }
    const c4 = await x3.customers.get('C0004');
    expect(c4.raw.ZCUSTREF).toBe('TVF-KEY-ACCOUNT');
    expect(JSON.stringify(c4)).not.toContain('TVF-KEY-ACCOUNT');
  });

  it('items: units and stock by site from ITMMVT', async () => {
    const x3 = client();
    const item = await x3.items.get('BOX-S-200');
    const mvt = sim.records('ALDGATE', 'ITMMVT').filter((r) => r.ITMREF === 'BOX-S-200');
    expect(item).toMatchObject({
      ref: 'BOX-S-200',
      active: true,
      basePrice: '0.42',
      units: { stock: 'UN', sales: 'UN' },
    });
    expect(item.stock!.map((s) => s.site).sort()).toEqual(mvt.map((r) => String(r.STOFCY)).sort());
    for (const s of item.stock!) {
      const r = mvt.find((m) => m.STOFCY === s.site)!;
      expect(s.available).toBeCloseTo(Number(r.PHYSTO) - Number(r.PHYALL) - Number(r.GLOALL), 9);
    }
    const one = await x3.items.get('BOX-S-200', { site: 'ALD02' });
    expect(one.stock!.map((s) => s.site)).toEqual(['ALD02']);
    const listed = await collect(x3.items.list({ search: 'tape', withStock: true }));
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((i) => Array.isArray(i.stock))).toBe(true);
  });

  it('sales orders and deliveries: create, read back with lines, ship, list by order', async () => {
    const x3 = client();
    const so = await x3.salesOrders.create({
      salesSite: 'ALD01',
      customerCode: 'C0001',
      customerOrderReference: 'Q-INT-MAP',
      requestedDeliveryDate: '2099-12-07',
      lines: [
        { itemRef: 'BOX-S-200', quantity: 500 },
        { itemRef: 'TAPE-48-CLR', quantity: 12, grossPrice: '2.10' },
      ],
    });
    expect(so.number).toMatch(/^SOALD01/);
    expect(so).toMatchObject({
      customerCode: 'C0001',
      customerOrderReference: 'Q-INT-MAP',
      status: 'open',
      deliveryStatus: 'not_delivered',
    });
    expect(so.lines.map((l) => [l.lineNumber, l.itemRef, l.quantity])).toEqual([
      [1000, 'BOX-S-200', 500],
      [2000, 'TAPE-48-CLR', 12],
    ]);
    expect(so.lines[1]!.grossPrice).toMatch(/^2\.10*$/);
    expect(await x3.salesOrders.get(so.number)).toMatchObject({
      number: so.number,
      totalExcludingTax: so.totalExcludingTax,
    });
    sim.ship('ALDGATE', { salesOrder: so.number });
    const deliveries = await collect(x3.deliveries.list({ salesOrder: so.number }));
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.lines.map((l) => l.itemRef)).toEqual(['BOX-S-200', 'TAPE-48-CLR']);
    const shipped = await x3.salesOrders.get(so.number);
    expect(shipped.deliveryStatus).toBe('delivered');
    expect(shipped.lines[0]!.quantityToDeliver).toBe(0);
  });

  it('purchase orders, supplier invoices, journal entries, balances and sites', async () => {
    const x3 = client();
    const [po] = await collect(x3.purchaseOrders.list({ limit: 1 }));
    expect(po!.number).toBeTruthy();
    expect((await x3.purchaseOrders.get(po!.number)).lines.length).toBeGreaterThan(0);
    const [pi] = await collect(x3.supplierInvoices.list({ supplier: po!.supplierCode!, limit: 1 }));
    expect(pi!.supplierCode).toBe(po!.supplierCode);
    const [je] = await collect(x3.journalEntries.list({ limit: 1 }));
    const byObject = await x3.journalEntries.get({ type: je!.type!, number: je!.number });
    const byText = await x3.journalEntries.get(`${je!.type}~${je!.number}`);
    expect(byText.lines).toEqual(byObject.lines);
    expect(byObject.totalDebit).toBe(byObject.totalCredit);
    const balances = await collect(x3.accountBalances.list({ fiscalYear: 2026, company: 'ALD' }));
    expect(balances.length).toBeGreaterThan(0);
    for (const b of balances) expect(b).toMatchObject({ fiscalYear: 2026, company: 'ALD' });
    const sites = await collect(x3.sites.list());
    expect(sites.map((s) => s.code)).toEqual(['ALD01', 'ALD02', 'ALDWH']);
    expect(sites[2]).toMatchObject({ isSalesSite: false, isStorageSite: true });
  });
});

describe('every error type', () => {
  it('wrong secret → X3AuthError, without the secret in the message', async () => {
    const x3 = client({ ...oauth, clientSecret: 'not-the-secret-123' });
    const error = await x3.sites.get('ALD01').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3AuthError);
    expect((error as Error).message).not.toContain('not-the-secret-123');
    expect(api()).toHaveLength(0);
  });

  it('unknown folder → X3FolderNotFoundError', async () => {
    await expect(client(oauth, 'NOPE').sites.get('ALD01')).rejects.toBeInstanceOf(X3FolderNotFoundError);
  });

  it('no rights → X3PermissionError', async () => {
    const x3 = client({
      type: 'client_credentials',
      clientId: DEMO_CREDENTIALS.readOnly.clientId,
      clientSecret: DEMO_CREDENTIALS.readOnly.clientSecret,
    });
    await expect(x3.customers.get('C0001')).rejects.toBeInstanceOf(X3PermissionError);
  });

  it('a closed port → X3UnreachableError (refused)', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const x3 = createX3Client({ baseUrl: `http://127.0.0.1:${port}`, folder: 'ALDGATE', auth: oauth });
    clients.push(x3);
    await expect(x3.sites.get('ALD01')).rejects.toMatchObject({
      name: 'X3UnreachableError',
      reason: 'refused',
    });
    await expect(x3.sites.get('ALD01')).rejects.toBeInstanceOf(X3UnreachableError);
  });

  it('200 + 721 → X3NotFoundError', async () => {
    await expect(client().customers.get('C9999')).rejects.toBeInstanceOf(X3NotFoundError);
  });

  it('rejected create → X3RejectedError with diagnoses', async () => {
    const error = await client()
      .salesOrders.create({
        salesSite: 'ALD01',
        customerCode: 'C9999',
        customerOrderReference: 'Q-REJ',
        lines: [{ itemRef: 'NOPE', quantity: 1 }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3RejectedError);
    expect((error as X3RejectedError).diagnoses.map((d) => d.message).join(' ')).toMatch(/C9999/);
  });

  it('a slow answer → X3TimeoutError on a read, X3OutcomeUncertainError on a write', async () => {
    const x3 = createX3Client({
      baseUrl: sim.url,
      folder: 'ALDGATE',
      auth: oauth,
      limits: fastLimits,
      timeouts: { readMs: 100, writeMs: 100 },
    });
    clients.push(x3);
    await x3.sites.get('ALD01');
    sim.clearRequests();
    sim.setFaults([{ match: { class: 'FACILITY' }, action: 'delay', ms: 400, times: 1 }]);
    await expect(x3.sites.get('ALD01')).rejects.toBeInstanceOf(X3TimeoutError);
    sim.setFaults([{ match: { method: 'POST', class: 'SORDER' }, action: 'delay', ms: 400, times: 1 }]);
    const error = await x3.salesOrders
      .create({
        salesSite: 'ALD01',
        customerCode: 'C0003',
        customerOrderReference: 'Q-SLOW',
        lines: [{ itemRef: 'BOX-S-200', quantity: 1 }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3OutcomeUncertainError);
    // The simulator logs the POST once its delayed handling ends.
    await vi.waitFor(() => expect(posts()).toHaveLength(1), { timeout: 5_000, interval: 20 });
  });

  it('invalid input is refused before anything is sent', async () => {
    const x3 = client();
    await expect(
      x3.salesOrders.create({
        salesSite: 'ALD01',
        customerCode: 'C0001',
        customerOrderReference: '',
        lines: [],
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    expect(api()).toHaveLength(0);
  });
});
