import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { apiPath, call, mintToken } from './test-support/client.js';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await createSimulator({ quiet: true, now: '2026-06-01T10:00:00Z' });
  token = await mintToken(sim);
});
afterAll(async () => {
  await sim.close();
});

const ORDERS = apiPath('ALDGATE', 'SORDER?representation=SORDER.$create');
const CUSTOMERS = apiPath('ALDGATE', 'BPCUSTOMER?representation=BPCUSTOMER.$create');
const customer = (code: string) =>
  apiPath('ALDGATE', `BPCUSTOMER('${code}')?representation=BPCUSTOMER.$edit`);
const post = (path: string, body: unknown) => call(sim, 'POST', path, { token, body });
const order = (over: Record<string, unknown> = {}, line: Record<string, unknown> = {}) => ({
  SALFCY: 'ALD01',
  BPCORD: 'C0001',
  CUSORDREF: 'Q-2026-0042',
  SOHSOP: [{ ITMREF: 'BOX-S-200', QTY: 500, GROPRI: 0.42, DEMDLVDAT: '2026-12-07', ...line }],
  ...over,
});
const messages = (body: { $diagnoses: { $message: string }[] }) =>
  body.$diagnoses.map((d) => d.$message).join(' | ');

describe('SORDER create', () => {
  it('creates an order: 201, Location, per-site number, lines by 1000, totals, allocation', async () => {
    const before = sim
      .records('ALDGATE', 'ITMMVT')
      .find((r) => r.ITMREF === 'BOX-M-400' && r.STOFCY === 'ALD01')!;
    const lines = [
      { ITMREF: 'BOX-S-200', QTY: 500, GROPRI: 0.42 },
      { ITMREF: 'BOX-M-400', QTY: '10', DEMDLVDAT: '2026-12-24' },
    ];
    const res = await post(ORDERS, order({ SOHSOP: lines }));
    expect(res.status).toBe(201);
    expect(res.body.SOHNUM).toMatch(/^SOALD01\d{7}$/);
    expect(res.headers.get('location')).toContain(`SORDER(`);
    expect(res.headers.get('location')).toContain(res.body.SOHNUM);
    expect(res.body.SOHSOP.map((l: { SOPLIN: number }) => l.SOPLIN)).toEqual([1000, 2000]);
    expect(res.body.SOHSOP[0]).toMatchObject({ LINAMT: '210.00', NETPRI: '0.42', DLVQTY: 0, ALLQTY: 500 });
    expect(res.body.SOHSOP[1]).toMatchObject({ GROPRI: '0.78', QTY: 10, DEMDLVDAT: '2026-12-24' });
    expect(res.body.ORDNOT).toBe('217.80');
    expect(res.body.ORDATI).toBe('261.36');
    expect(res.body).toMatchObject({
      CUR: 'GBP',
      ORDDAT: '2026-06-01',
      ORDSTA: 1,
      DLVSTA: 1,
      CUSORDREF: 'Q-2026-0042',
    });
    const location = await call(sim, 'GET', res.headers.get('location')!, { token });
    expect(location.body.SOHNUM).toBe(res.body.SOHNUM);
    const after = sim
      .records('ALDGATE', 'ITMMVT')
      .find((r) => r.ITMREF === 'BOX-M-400' && r.STOFCY === 'ALD01')!;
    expect(Number(after.PHYALL) - Number(before.PHYALL)).toBe(10);

    const second = await post(ORDERS, order({ CUSORDREF: 'Q-2' }));
    expect(Number(second.body.SOHNUM.slice(-7))).toBe(Number(res.body.SOHNUM.slice(-7)) + 1);
    const other = await post(ORDERS, order({ SALFCY: 'ALD02', CUSORDREF: 'Q-3' }));
    expect(other.body.SOHNUM).toMatch(/^SOALD02/);
  });

  it('warns on lines it cannot fully allocate, without failing the create', async () => {
    const res = await post(ORDERS, order({ CUSORDREF: 'SHORT-1' }, { ITMREF: 'VOID-CHIPS', QTY: 100000 }));
    expect(res.status).toBe(201);
    expect(res.body.$diagnoses).toBeUndefined();
    expect(res.body.SOHSOP[0].$diagnoses).toEqual([
      expect.objectContaining({ $severity: 'warning', $message: expect.stringContaining('Stock shortage') }),
    ]);
    expect(res.body.SOHSOP[0].ALLQTY).toBeLessThan(100000);
  });

  it('makes CUSORDREF searchable at once', async () => {
    await post(ORDERS, order({ CUSORDREF: 'FIND-ME-1' }));
    const found = await call(
      sim,
      'GET',
      apiPath(
        'ALDGATE',
        `SORDER?representation=SORDER.$query&where=${encodeURIComponent("CUSORDREF eq 'FIND-ME-1'")}`,
      ),
      { token },
    );
    expect(found.body.$resources).toHaveLength(1);
  });

  it.each([
    ['an unknown customer', order({ BPCORD: 'C9999' }), 'Customer C9999 does not exist'],
    ['a blocked customer', order({ BPCORD: 'C0005' }), 'Customer C0005 is blocked'],
    ['an unknown item', order({}, { ITMREF: 'NOPE' }), 'Item NOPE does not exist'],
    ['an inactive item', order({}, { ITMREF: 'BOX-XL-800' }), 'Item BOX-XL-800 is not active'],
    ['an item not sold', order({}, { ITMREF: 'SAMPLE-KIT' }), 'Item SAMPLE-KIT is not sold'],
    ['a zero quantity', order({}, { QTY: 0 }), 'QTY: the quantity must be greater than 0'],
    ['a negative quantity', order({}, { QTY: -5 }), 'QTY: the quantity must be greater than 0'],
    ['a storage-only site', order({ SALFCY: 'ALDWH' }), 'Site ALDWH is not a sales site'],
    ['an unknown site', order({ SALFCY: 'XX99' }), 'Sales site XX99 does not exist'],
    ['a missing customer', order({ BPCORD: undefined }), 'BPCORD: mandatory field'],
    [
      'a long CUSORDREF',
      order({ CUSORDREF: 'R'.repeat(31) }),
      'CUSORDREF: the value is longer than 30 characters',
    ],
    ['no lines', order({ SOHSOP: [] }), 'The order has no lines'],
    ['a missing item', order({ SOHSOP: [{ QTY: 1 }] }), 'ITMREF: mandatory field'],
    ['an unknown field', order({ FREIGHT: 12 }), 'The property FREIGHT does not exist'],
    ['a bad date', order({}, { DEMDLVDAT: '07/12/2026' }), 'DEMDLVDAT: a date YYYY-MM-DD is expected'],
  ])('refuses %s with 400 and a diagnosis', async (_name, body, message) => {
    const before = sim.records('ALDGATE', 'SORDER').length;
    const res = await post(ORDERS, body);
    expect(res.status).toBe(400);
    expect(res.body.$diagnoses[0].$severity).toBe('error');
    expect(messages(res.body)).toContain(message);
    expect(sim.records('ALDGATE', 'SORDER').length).toBe(before);
  });

  it('answers refusals as 201 + error diagnosis in the ALDTEST folder', async () => {
    const res = await post(apiPath('ALDTEST', 'SORDER?representation=SORDER.$create'), {
      SALFCY: 'TST01',
      BPCORD: 'T0003',
      SOHSOP: [{ ITMREF: 'TST-BOX-01', QTY: '5' }],
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBeNull();
    expect(res.body).toEqual({ $diagnoses: [expect.objectContaining({ $severity: 'error' })] });
    const ok = await post(apiPath('ALDTEST', 'SORDER?representation=SORDER.$create'), {
      SALFCY: 'TST01',
      BPCORD: 'T0001',
      SOHSOP: [{ ITMREF: 'TST-BOX-01', QTY: '5' }],
    });
    expect(ok.status).toBe(201);
    expect(ok.body.SOHSOP[0].QTY).toBe('5');
    expect(ok.body.CUR).toBe('EUR');
  });

  it('refuses creation when SORDER is a classic read-only object', async () => {
    sim.settings('ALDGATE').salesOrderCreate = false;
    try {
      const res = await post(ORDERS, order({ CUSORDREF: 'CLASSIC' }));
      expect(res.status).toBe(400);
      expect(messages(res.body)).toContain('does not allow creation');
    } finally {
      sim.settings('ALDGATE').salesOrderCreate = true;
    }
  });

  it('refuses writes on read-only classes', async () => {
    const res = await post(apiPath('ALDGATE', 'ITMMASTER?representation=ITMMASTER.$create'), { ITMREF: 'X' });
    expect(res.status).toBe(400);
    expect(messages(res.body)).toContain('does not allow creation');
    const put = await call(
      sim,
      'PUT',
      apiPath('ALDGATE', "SORDER('SOALD010000001')?representation=SORDER.$edit"),
      {
        token,
        body: { CUSORDREF: 'X' },
      },
    );
    expect(put.status).toBe(400);
  });
});

describe('BPCUSTOMER writes', () => {
  it('creates with defaults and refuses a duplicate', async () => {
    const body = {
      BPCNUM: 'NEW01',
      BPCNAM: ['New Customer Ltd'],
      CUR: 'GBP',
      BPCBPA: [{ BPAADD: 'HQ', BPAADDLIG: ['1 New Street'], CTY: 'London', POSCOD: 'EC1 1AA' }],
    };
    const res = await post(CUSTOMERS, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      BPCNUM: 'NEW01',
      BPCSTA: 2,
      BPAADD: 'HQ',
      BPCINV: 'NEW01',
      BPCNAM: ['New Customer Ltd', ' '],
    });
    expect(res.body.BPCBPA[0]).toMatchObject({
      BPAADD: 'HQ',
      BPAADDFLG: 2,
      BPAADDLIG: ['1 New Street', ' ', ' '],
    });
    const dup = await post(CUSTOMERS, body);
    expect(dup.status).toBe(400);
    expect(messages(dup.body)).toContain('already exists');
    const bad = await post(CUSTOMERS, { BPCNUM: 'lower', BPCNAM: ['x'], CUR: 'XYZ' });
    expect(messages(bad.body)).toContain('BPCNUM');
    expect(messages(bad.body)).toContain('Currency XYZ does not exist');
  });

  it('updates only the properties sent, matches addresses by $uuid and adds new ones', async () => {
    const read = await call(sim, 'GET', customer('C0002'), { token });
    const main = read.body.BPCBPA[0];
    const res = await call(sim, 'PUT', customer('C0002'), {
      token,
      body: {
        PTE: '60DAYS',
        BPCBPA: [
          { $uuid: main.$uuid, CTY: 'London E1' },
          { BPAADD: 'SHOP', BPAADDLIG: ['2 Market Row'], CTY: 'London' },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.PTE).toBe('60DAYS');
    expect(res.body.BPCNAM).toEqual(read.body.BPCNAM);
    expect(res.body.VACBPR).toBe(read.body.VACBPR);
    expect(res.body.BPCBPA).toHaveLength(2);
    expect(res.body.BPCBPA[0]).toMatchObject({ $uuid: main.$uuid, CTY: 'London E1', POSCOD: main.POSCOD });
    expect(res.body.BPCBPA[1].BPAADD).toBe('SHOP');
    expect(res.body.$etag).not.toBe(read.body.$etag);
    const again = await call(sim, 'PUT', customer('C0002'), { token, body: { BPCSHO: 'SPITAL' } });
    expect(again.body.$etag > res.body.$etag).toBe(true);
  });

  it('refuses bad updates and answers 721 for a missing customer', async () => {
    const key = await call(sim, 'PUT', customer('C0003'), { token, body: { BPCNUM: 'OTHER' } });
    expect(key.status).toBe(400);
    const line = await call(sim, 'PUT', customer('C0003'), {
      token,
      body: { BPCBPA: [{ $uuid: 'nope', CTY: 'x' }] },
    });
    expect(line.status).toBe(400);
    const missing = await call(sim, 'PUT', customer('ZZZ'), { token, body: { PTE: '30DAYS' } });
    expect(missing.status).toBe(200);
    expect(missing.body.$diagnoses[0].$message).toBe('721 : Record does not exist');
  });

  it('deletes a customer without orders and refuses one with orders', async () => {
    await post(CUSTOMERS, { BPCNUM: 'GONE1', BPCNAM: ['Short lived'], CUR: 'GBP' });
    const del = await call(sim, 'DELETE', customer('GONE1'), { token });
    expect(del.status).toBe(204);
    const read = await call(sim, 'GET', customer('GONE1'), { token });
    expect(read.body.$diagnoses[0].$message).toContain('721');
    const used = await call(sim, 'DELETE', customer('C0001'), { token });
    expect(used.status).toBe(400);
    expect(messages(used.body)).toContain('used by sales order');
  });

  it('edits a generated customer', async () => {
    const res = await call(sim, 'PUT', customer('CUS000050'), { token, body: { BPCNAM: ['Renamed Ltd'] } });
    expect(res.status).toBe(200);
    expect(res.body.BPCNAM[0]).toBe('Renamed Ltd');
    const read = await call(sim, 'GET', customer('CUS000050'), { token });
    expect(read.body.BPCNAM[0]).toBe('Renamed Ltd');
  });
});
