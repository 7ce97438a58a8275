import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createSimulator,
  type FaultRule,
  type RequestLogEntry,
  type Simulator,
  type X3Record,
} from './index.js';
import { apiPath, call, mintToken } from './test-support/client.js';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await createSimulator({ quiet: true });
  token = await mintToken(sim);
});
afterEach(async () => {
  await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
});
afterAll(async () => {
  await sim.close();
});

const ITEM = apiPath('ALDGATE', "ITMMASTER('BOX-S-200')?representation=ITMMASTER.$details");
const ORDERS = apiPath('ALDGATE', 'SORDER?representation=SORDER.$create');
const read = () => call(sim, 'GET', ITEM, { token });

// Control-plane answers have several shapes; assertions read them loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}/__sim/${path}`, {
    method,
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const faults = (rules: FaultRule[]) => control('PUT', 'faults', { rules });
const dump = async (cls: string, folder = 'ALDGATE'): Promise<X3Record[]> =>
  (await control('GET', `folders/${folder}/${cls}`)).body;

describe('fault injection', () => {
  it('answers an injected status with Retry-After, counting `times` down', async () => {
    expect(
      (
        await faults([
          { match: { class: 'ITMMASTER' }, action: 'status', status: 503, retryAfter: 2, times: 2 },
        ])
      ).status,
    ).toBe(200);
    const first = await read();
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(first.body.$diagnoses[0].$severity).toBe('transient');
    expect((await read()).status).toBe(503);
    expect((await read()).status).toBe(200);
  });

  it('matches on method and path', async () => {
    await faults([{ match: { method: 'POST', path: '/SORDER' }, action: 'status', status: 500 }]);
    expect((await read()).status).toBe(200);
    const post = await call(sim, 'POST', ORDERS, { token, body: {} });
    expect(post.status).toBe(500);
  });

  it('resets the connection before handling', async () => {
    await faults([{ match: { class: 'ITMMASTER' }, action: 'reset', times: 1 }]);
    await expect(read()).rejects.toThrow();
    expect((await read()).status).toBe(200);
  });

  it('commits a write, then drops the connection (commit_then_drop)', async () => {
    await faults([{ match: { method: 'POST', class: 'SORDER' }, action: 'commit_then_drop', times: 1 }]);
    const body = {
      SALFCY: 'ALD01',
      BPCORD: 'C0002',
      CUSORDREF: 'DROPPED-1',
      SOHSOP: [{ ITMREF: 'TAPE-48-BRN', QTY: 3 }],
    };
    await expect(call(sim, 'POST', ORDERS, { token, body })).rejects.toThrow();
    const orders = (await dump('SORDER')).filter((o) => o.CUSORDREF === 'DROPPED-1');
    expect(orders).toHaveLength(1);
    const log = (await control('GET', 'requests')).body as RequestLogEntry[];
    expect(log.at(-1)).toMatchObject({ method: 'POST', status: 0, fault: 'commit_then_drop' });
  });

  it('expires the presented token (token_expire), not used up by calls without a token', async () => {
    await faults([{ action: 'token_expire', times: 1 }]);
    const own = await mintToken(sim);
    expect((await call(sim, 'GET', ITEM, { basic: ['WEBSVC', 'websvc'] })).status).toBe(200);
    expect((await call(sim, 'GET', ITEM, { token: own })).status).toBe(401);
    expect((await call(sim, 'GET', ITEM, { token: own })).status).toBe(401);
    expect((await call(sim, 'GET', ITEM, { token: await mintToken(sim) })).status).toBe(200);
  });

  it('fires with probability 0 never, 1 always, and in between on some calls only', async () => {
    await faults([{ match: { class: 'ITMMASTER' }, action: 'status', status: 502, probability: 0 }]);
    for (let i = 0; i < 5; i++) expect((await read()).status).toBe(200);
    await faults([{ match: { class: 'ITMMASTER' }, action: 'status', status: 502, probability: 1 }]);
    for (let i = 0; i < 5; i++) expect((await read()).status).toBe(502);
    await faults([{ match: { class: 'ITMMASTER' }, action: 'status', status: 502, probability: 0.5 }]);
    const statuses = new Set<number>();
    for (let i = 0; i < 40; i++) statuses.add((await read()).status);
    expect(statuses).toEqual(new Set([200, 502]));
  });

  it('refuses malformed rules', async () => {
    expect((await faults([{ action: 'explode' } as unknown as FaultRule])).status).toBe(400);
    expect((await faults([{ action: 'status' } as FaultRule])).status).toBe(400);
    expect((await control('PUT', 'faults', { nope: 1 })).status).toBe(400);
  });
});

describe('web-service pool', () => {
  it('answers 503 transient to the request past the pool size, delayed requests holding their channel', async () => {
    await faults([{ match: { class: 'ITMMASTER' }, action: 'delay', ms: 400 }]);
    const results = await Promise.all(Array.from({ length: 7 }, () => read()));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 503]);
    const busy = results.find((r) => r.status === 503)!;
    expect(busy.body.$diagnoses[0]).toMatchObject({ $severity: 'transient' });
    expect(busy.body.$diagnoses[0].$message).toContain('No web service channel available');
    await control('DELETE', 'faults');
    expect((await read()).status).toBe(200);
  });
});

describe('request log', () => {
  it('records method, path, query, folder header, auth scheme, status and time, and clears', async () => {
    expect((await control('DELETE', 'requests')).status).toBe(204);
    await call(sim, 'GET', apiPath('ALDGATE', 'BPCUSTOMER?representation=BPCUSTOMER.$query&count=2'), {
      token,
      folderHeader: 'ALDGATE',
    });
    const log = (await control('GET', 'requests')).body as RequestLogEntry[];
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      method: 'GET',
      path: '/api1/x3/erp/ALDGATE/BPCUSTOMER',
      query: { representation: 'BPCUSTOMER.$query', count: '2' },
      folderHeader: 'ALDGATE',
      authScheme: 'bearer',
      status: 200,
    });
    expect(typeof log[0]!.ms).toBe('number');
    expect(Date.parse(log[0]!.time)).not.toBeNaN();
  });
});

describe('business consistency', () => {
  const stockOf = async (item: string, site: string) =>
    (await dump('ITMMVT')).find((r) => r.ITMREF === item && r.STOFCY === site)!;

  it('keeps allocations equal to the open order lines', async () => {
    const orders = await dump('SORDER');
    const stock = await dump('ITMMVT');
    for (const row of stock.filter((r) => Number(r.PHYALL) > 0)) {
      const allocated = orders
        .filter((o) => o.STOFCY === row.STOFCY)
        .flatMap((o) => o.SOHSOP as X3Record[])
        .filter((l) => l.ITMREF === row.ITMREF)
        .reduce((s, l) => s + Number(l.ALLQTY), 0);
      expect(allocated, `${String(row.ITMREF)}@${String(row.STOFCY)}`).toBe(row.PHYALL);
    }
  });

  it('ships part then the rest: SDELIVERY, DLVQTY, DLVSTA, stock and allocation', async () => {
    const created = await call(sim, 'POST', ORDERS, {
      token,
      body: {
        SALFCY: 'ALD01',
        BPCORD: 'C0008',
        SOHSOP: [
          { ITMREF: 'VOID-CHIPS', QTY: 10 },
          { ITMREF: 'TAPE-48-BRN', QTY: 6 },
        ],
      },
    });
    const number = created.body.SOHNUM as string;
    const before = await stockOf('VOID-CHIPS', 'ALD01');
    const part = await control('POST', 'folders/ALDGATE/deliveries', {
      salesOrder: number,
      lines: [{ lineNumber: 1000, quantity: 4 }],
    });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ SOHNUM: number, BPCORD: 'C0008', CFMFLG: 2 });
    expect(part.body.SDHSDD).toEqual([
      expect.objectContaining({ SOHNUM: number, SOPLIN: 1000, ITMREF: 'VOID-CHIPS', QTY: 4 }),
    ]);
    const after = await stockOf('VOID-CHIPS', 'ALD01');
    expect(Number(before.PHYSTO) - Number(after.PHYSTO)).toBe(4);
    expect(Number(before.PHYALL) - Number(after.PHYALL)).toBe(4);
    let order = (await dump('SORDER')).find((o) => o.SOHNUM === number)!;
    expect(order.DLVSTA).toBe(2);
    expect((order.SOHSOP as X3Record[])[0]).toMatchObject({ DLVQTY: 4, ALLQTY: 6 });

    const rest = await control('POST', 'folders/ALDGATE/deliveries', { salesOrder: number });
    expect(rest.body.SDHSDD.map((l: X3Record) => [l.SOPLIN, l.QTY])).toEqual([
      [1000, 6],
      [2000, 6],
    ]);
    order = (await dump('SORDER')).find((o) => o.SOHNUM === number)!;
    expect(order.DLVSTA).toBe(3);
    const deliveries = (await dump('SDELIVERY')).filter((d) => d.SOHNUM === number);
    expect(deliveries).toHaveLength(2);
    const read = await call(
      sim,
      'GET',
      apiPath(
        'ALDGATE',
        `SDELIVERY?representation=SDELIVERY.$query&where=${encodeURIComponent(`SOHNUM eq '${number}'`)}`,
      ),
      { token },
    );
    expect(read.body.$resources).toHaveLength(2);
    const nothing = await control('POST', 'folders/ALDGATE/deliveries', { salesOrder: number });
    expect(nothing.status).toBe(422);
    expect((await control('POST', 'folders/ALDGATE/deliveries', { salesOrder: 'NOPE' })).status).toBe(422);
    expect((await control('POST', 'folders/ALDGATE/deliveries', { lines: 3 })).status).toBe(400);
  });

  it('has every seeded delivery line pointing at a real order line', async () => {
    const orders = new Map((await dump('SORDER')).map((o) => [o.SOHNUM, o]));
    for (const d of await dump('SDELIVERY')) {
      for (const line of d.SDHSDD as X3Record[]) {
        const orderLine = (orders.get(line.SOHNUM)?.SOHSOP as X3Record[] | undefined)?.find(
          (l) => l.SOPLIN === line.SOPLIN,
        );
        expect(orderLine?.ITMREF).toBe(line.ITMREF);
      }
    }
  });

  it('balances journal entries per ledger type, and BALANCE agrees with them', async () => {
    const entries = await dump('GACCENTRY');
    const sums = new Map<string, { debit: number; credit: number }>();
    for (const e of entries) {
      const perLedger = new Map<unknown, number>();
      for (const l of e.HAEDAE as X3Record[]) {
        const pence = Math.round(Number(l.AMTLED) * 100);
        perLedger.set(l.LEDTYP, (perLedger.get(l.LEDTYP) ?? 0) + pence * Number(l.SNS));
        const key = `${String(e.CPY)}~${String(e.FIY)}~${String(l.LEDTYP)}~${String(l.ACC)}`;
        const s = sums.get(key) ?? { debit: 0, credit: 0 };
        if (l.SNS === 1) s.debit += pence;
        else s.credit += pence;
        sums.set(key, s);
      }
      for (const total of perLedger.values()) expect(total).toBe(0);
    }
    const balances = await dump('BALANCE');
    expect(balances).toHaveLength(sums.size);
    for (const b of balances) {
      const key = `${String(b.CPY)}~${String(b.FIY)}~${String(b.LEDTYP)}~${String(b.ACC)}`;
      const debit = (b.DEBLED as string[]).reduce((s, v) => s + Math.round(Number(v) * 100), 0);
      const credit = (b.CDTLED as string[]).reduce((s, v) => s + Math.round(Number(v) * 100), 0);
      expect({ debit, credit }, key).toEqual(sums.get(key));
    }
  });
});

describe('control plane', () => {
  it('reports health, dumps classes and changes folder settings', async () => {
    expect((await control('GET', 'health')).body).toMatchObject({
      status: 'ok',
      folders: ['ALDGATE', 'ALDTEST'],
    });
    expect((await dump('ITMMASTER')).length).toBe(1000);
    expect((await control('GET', 'folders/NOPE/ITMMASTER')).status).toBe(404);
    const patched = await control('PATCH', 'folders/ALDTEST/settings', { numericStrings: false });
    expect(patched.body.numericStrings).toBe(false);
    const order = await call(
      sim,
      'GET',
      apiPath('ALDTEST', "SORDER('SOTST010000001')?representation=SORDER.$details"),
      { token },
    );
    expect(order.body.SOHSOP[0].QTY).toBe(120);
    await control('PATCH', 'folders/ALDTEST/settings', { numericStrings: true });
  });
});
