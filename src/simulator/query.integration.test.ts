import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { apiPath, call, mintToken, pageAll } from './test-support/client.js';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await createSimulator({ quiet: true });
  token = await mintToken(sim);
});
afterAll(async () => {
  await sim.close();
});

const items = (query: string) => apiPath('ALDGATE', `ITMMASTER?representation=ITMMASTER.$query${query}`);
const get = (path: string) => call(sim, 'GET', path, { token });
const q = (text: string) => encodeURIComponent(text);

describe('paging', () => {
  it('defaults to 20 and caps count silently at 100', async () => {
    const first = await get(items(''));
    expect(first.body.$itemsPerPage).toBe(20);
    expect(first.body.$resources).toHaveLength(20);
    const capped = await get(items('&count=500'));
    expect(capped.status).toBe(200);
    expect(capped.body.$itemsPerPage).toBe(100);
    expect(capped.body.$resources).toHaveLength(100);
  });

  it('returns every record exactly once through $next, and no $next on the last page', async () => {
    const all = await pageAll(sim, token, items('&count=500'));
    const refs = all.records.map((r) => r.ITMREF as string);
    expect(refs).toHaveLength(1000);
    expect(new Set(refs).size).toBe(1000);
    expect([...refs].sort()).toEqual(refs);
    expect(all.sizes.slice(0, -1).every((s) => s === 100)).toBe(true);
    expect(sim.records('ALDGATE', 'ITMMASTER').map((r) => r.ITMREF)).toEqual(refs);
  });

  it('builds absolute $next links that keep where, orderBy and count', async () => {
    const page = await get(items(`&count=5&where=${q("TCLCOD eq 'BOXES'")}`));
    const next = new URL(page.body.$links.$next.$url);
    expect(next.origin).toBe(sim.url);
    expect(next.searchParams.get('key')).toBe(`gt.${page.body.$resources[4].ITMREF}`);
    expect(next.searchParams.get('where')).toBe("TCLCOD eq 'BOXES'");
    expect(next.searchParams.get('count')).toBe('5');
    expect(page.body.$links.$last.$url).toContain('key=lt');
  });

  it('serves the last page through key=lt', async () => {
    const last = await get(items('&count=3&key=lt'));
    const all = sim.records('ALDGATE', 'ITMMASTER').map((r) => r.ITMREF);
    expect(last.body.$resources.map((r: { ITMREF: string }) => r.ITMREF)).toEqual(all.slice(-3));
    expect(last.body.$links.$next).toBeUndefined();
  });

  it('ignores OData $skip, $top and $filter', async () => {
    const plain = await get(items('&count=3'));
    const odata = await get(items(`&count=3&$skip=10&$top=1&$filter=${q("ITMREF eq 'X'")}`));
    expect(odata.body.$resources).toEqual(plain.body.$resources);
  });

  it('refuses a bad count or key', async () => {
    expect((await get(items('&count=abc'))).status).toBe(400);
    expect((await get(items('&key=next'))).status).toBe(400);
  });
});

describe('where and orderBy', () => {
  it('filters with the SData grammar', async () => {
    const res = await get(items(`&count=100&where=${q("upper(ITMDES1) like '%TAPE%' and BASPRI ge 1")}`));
    expect(res.body.$resources.map((r: { ITMREF: string }) => r.ITMREF)).toEqual([
      'TAPE-48-BRN',
      'TAPE-48-CLR',
    ]);
    const inList = await get(items(`&where=${q("ITMREF in ('WRAP-500', 'BOX-S-200')")}`));
    expect(inList.body.$resources).toHaveLength(2);
  });

  it('answers BadWhereSyntax on a syntax error or an unknown property', async () => {
    const syntax = await get(items(`&where=${q("ITMREF eq 'open")}`));
    expect(syntax.status).toBe(400);
    expect(syntax.body.$diagnoses[0].$sdataCode).toBe('BadWhereSyntax');
    const unknown = await get(items(`&where=${q("COLOUR eq 'red'")}`));
    expect(unknown.status).toBe(400);
    expect(unknown.body.$diagnoses[0]).toMatchObject({ $sdataCode: 'BadWhereSyntax' });
    expect(unknown.body.$diagnoses[0].$message).toContain('COLOUR');
  });

  it('orders by known properties only, and pages an ordered feed exactly once', async () => {
    expect((await get(items('&orderBy=COLOUR'))).status).toBe(400);
    expect((await get(items('&orderBy=BASPRI%20sideways'))).status).toBe(400);
    const where = q("TCLCOD eq 'BOXES'");
    const all = await pageAll(sim, token, items(`&count=7&where=${where}&orderBy=${q('BASPRI desc')}`));
    const prices = all.records.map((r) => Number(r.BASPRI));
    expect([...prices].sort((a, b) => b - a)).toEqual(prices);
    const expected = sim.records('ALDGATE', 'ITMMASTER').filter((r) => r.TCLCOD === 'BOXES');
    expect(all.records).toHaveLength(expected.length);
    expect(new Set(all.records.map((r) => r.ITMREF)).size).toBe(expected.length);
  });

  it('finds an order by CUSORDREF, and a dimensioned name by its first element', async () => {
    const orders = await get(
      apiPath('ALDGATE', `SORDER?representation=SORDER.$query&where=${q("CUSORDREF eq 'WPC/778'")}`),
    );
    expect(orders.body.$resources.map((r: { SOHNUM: string }) => r.SOHNUM)).toEqual(['SOALD020000001']);
    const customers = await get(
      apiPath(
        'ALDGATE',
        `BPCUSTOMER?representation=BPCUSTOMER.$query&where=${q("BPCNAM eq 'Brick Lane Bakery'")}`,
      ),
    );
    expect(customers.body.$resources.map((r: { BPCNUM: string }) => r.BPCNUM)).toEqual(['C0001']);
  });

  it('reads stock rows of one item through the key prefix', async () => {
    const res = await get(
      apiPath('ALDGATE', `ITMMVT?representation=ITMMVT.$query&where=${q("ITMREF eq 'WRAP-500'")}`),
    );
    expect(res.body.$resources.map((r: { STOFCY: string }) => r.STOFCY)).toEqual(['ALD01', 'ALD02', 'ALDWH']);
  });
});

describe('envelopes and quirks', () => {
  it('gives stable $uuids, X_REF titles, blanks and arrays', async () => {
    const path = apiPath('ALDGATE', "SORDER('SOALD010000002')?representation=SORDER.$details");
    const a = await get(path);
    const b = await get(path);
    expect(a.body.$uuid).toBe(b.body.$uuid);
    expect(a.body.SOHSOP[0].$uuid).toBe(b.body.SOHSOP[0].$uuid);
    expect(a.body.SOHSOP[0].$uuid).not.toBe(a.body.SOHSOP[1].$uuid);
    expect(a.body.$etag).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(a.body.CUR_REF).toEqual({ $title: 'Pound sterling' });
    expect(a.body.BPCORD_REF).toEqual({ $title: 'Spitalfields Florists' });
    expect(a.body.ZCUSTREF).toBe(' ');
    expect(a.body.ORDNOT).toBe('245.00');
    const customer = await get(apiPath('ALDGATE', "BPCUSTOMER('C0004')?representation=BPCUSTOMER.$details"));
    expect(customer.body.BPCNAM).toEqual(['Thames Valley Foods', ' ']);
    expect(customer.body.ZCUSTREF).toBe('TVF-KEY-ACCOUNT');
  });

  it('sends empty dates as 1599-12-31', async () => {
    const draft = await get(apiPath('ALDGATE', "PINVOICE('PIALD0000002')?representation=PINVOICE.$details"));
    expect(draft.body.ACCDAT).toBe('1599-12-31');
    expect(draft.body.STA).toBe(1);
  });

  it('sends quantities as numeric strings in ALDTEST only', async () => {
    const test = await get(apiPath('ALDTEST', "SORDER('SOTST010000001')?representation=SORDER.$details"));
    expect(test.body.SOHSOP[0].QTY).toBe('120');
    expect(test.body.SOHSOP[0].DLVQTY).toBe('0');
    const gate = await get(apiPath('ALDGATE', "SORDER('SOALD010000001')?representation=SORDER.$details"));
    expect(gate.body.SOHSOP[0].QTY).toBe(500);
  });
});
