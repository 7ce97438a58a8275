import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../src/db/test-support/stores.js';
import { startApiFixture, type ApiFixture } from './api-support.js';

interface Raw {
  status: number;
  headers: Headers;
  text: string;
}

describe.each(testBackends)('mappings API on %s', (kind) => {
  let f: ApiFixture;
  let id: string;

  beforeAll(async () => {
    f = await startApiFixture(kind);
    const created = await f.call('POST', '/v1/connections', f.connectionBody({ name: 'mappings' }));
    expect(created.status, created.text).toBe(201);
    id = created.body.id as string;
  });
  afterAll(async () => {
    await f?.close();
  });

  const base = () => `/v1/connections/${id}/mappings`;

  /** A raw call: the CSV routes send and answer text, not JSON. */
  async function raw(method: string, path: string, body?: string, contentType = 'text/csv'): Promise<Raw> {
    const res = await fetch(`${f.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${f.keyA}`,
        ...(body !== undefined ? { 'content-type': contentType } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  const pairs = (rows: Array<Record<string, string>>, a: string, b: string) => rows.map((r) => [r[a], r[b]]);

  it('imports products from CSV and exports the same file back', async () => {
    const file =
      '\uFEFFitemRef,productCode\r\nBOX-S-200,P-BOX-S\r\n"TAPE-48-BRN","P-TAPE, brown"\r\n\r\nBOX-M-400,P-BOX-M\r\n';
    const put = await raw('PUT', `${base()}/products.csv`, file);
    expect(put.status, put.text).toBe(200);
    const saved = JSON.parse(put.text);
    expect(pairs(saved.data, 'productCode', 'itemRef')).toEqual([
      ['P-BOX-M', 'BOX-M-400'],
      ['P-BOX-S', 'BOX-S-200'],
      ['P-TAPE, brown', 'TAPE-48-BRN'],
    ]);
    expect(saved.nextCursor).toBeNull();

    const got = await raw('GET', `${base()}/products.csv`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(got.headers.get('content-disposition')).toContain('products-mappings.csv');
    expect(got.text).toBe(
      'productCode,itemRef\r\nP-BOX-M,BOX-M-400\r\nP-BOX-S,BOX-S-200\r\n"P-TAPE, brown",TAPE-48-BRN\r\n',
    );

    // The export imports back unchanged.
    const again = await raw('PUT', `${base()}/products.csv`, got.text);
    expect(again.status, again.text).toBe(200);
    expect((await raw('GET', `${base()}/products.csv`)).text).toBe(got.text);
  });

  it('imports customers from CSV and exports them', async () => {
    const put = await raw(
      'PUT',
      `${base()}/customers.csv`,
      'customerAccount,customerCode\nACC-1001,C0001\nACC-1002,C0002\n',
    );
    expect(put.status, put.text).toBe(200);
    const got = await raw('GET', `${base()}/customers.csv`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toContain('customers-mappings.csv');
    expect(got.text).toBe('customerAccount,customerCode\r\nACC-1001,C0001\r\nACC-1002,C0002\r\n');
  });

  it('keeps formula-looking cells as text, guarded in the export, and reads the export back', async () => {
    const put = await raw(
      'PUT',
      `${base()}/customers.csv`,
      'customerAccount,customerCode\n"=HYPERLINK(""http://evil"")",C0001\n+44-20,C0002\n@SUM(A1),C0003\n-5,C0004\n',
    );
    expect(put.status, put.text).toBe(200);
    expect(pairs(JSON.parse(put.text).data, 'customerAccount', 'customerCode')).toEqual([
      ['+44-20', 'C0002'],
      ['-5', 'C0004'],
      ['=HYPERLINK("http://evil")', 'C0001'],
      ['@SUM(A1)', 'C0003'],
    ]);
    const got = await raw('GET', `${base()}/customers.csv`);
    const lines = got.text.split('\r\n');
    expect(lines).toEqual([
      'customerAccount,customerCode',
      `"'+44-20",C0002`,
      `"'-5",C0004`,
      `"'=HYPERLINK(""http://evil"")",C0001`,
      `"'@SUM(A1)",C0003`,
      '',
    ]);
    // No exported cell starts with a character a spreadsheet would evaluate.
    for (const line of lines.slice(1, -1)) expect(line.replace(/^"/, '')).toMatch(/^[^=+\-@]/);
    const back = await raw('PUT', `${base()}/customers.csv`, got.text);
    expect(back.status, back.text).toBe(200);
    expect((await f.call('GET', `${base()}/customers`)).body.data).toEqual(
      JSON.parse(put.text).data.map((r: Record<string, string>) => ({ ...r, updatedAt: expect.any(String) })),
    );
  });

  it('names the bad row of a CSV file and saves nothing', async () => {
    const before = (await raw('GET', `${base()}/products.csv`)).text;

    const unreadable = await raw(
      'PUT',
      `${base()}/products.csv`,
      'productCode,itemRef\nP-1,BOX-S-200\nP-2,\n',
    );
    expect(unreadable.status).toBe(400);
    const err = JSON.parse(unreadable.text).error;
    expect(err.code).toBe('invalid_body');
    expect(err.details.fields).toEqual([expect.objectContaining({ field: '1.itemRef', line: 3 })]);

    const quoted = await raw('PUT', `${base()}/products.csv`, 'productCode,itemRef\nP-1,BOX"S\n');
    expect(quoted.status).toBe(400);
    expect(JSON.parse(quoted.text).error.message).toContain('line 2');

    const header = await raw('PUT', `${base()}/products.csv`, 'code,item\nP-1,BOX-S-200\n');
    expect(header.status).toBe(400);
    expect(JSON.parse(header.text).error.message).toContain('productCode and itemRef');

    const unknown = await raw(
      'PUT',
      `${base()}/products.csv`,
      'productCode,itemRef\nP-1,BOX-S-200\nP-2,NO-SUCH-ITEM\nP-3,SAMPLE-KIT\n',
    );
    expect(unknown.status).toBe(422);
    const problems = JSON.parse(unknown.text).error.details.problems;
    expect(problems).toEqual([
      expect.objectContaining({ row: 1, field: 'itemRef', value: 'NO-SUCH-ITEM', code: 'item_not_found' }),
      expect.objectContaining({ row: 2, field: 'itemRef', value: 'SAMPLE-KIT', code: 'item_not_sellable' }),
    ]);

    expect((await raw('GET', `${base()}/products.csv`)).text).toBe(before);
  });

  it('refuses a body that is not CSV with 415', async () => {
    const before = (await raw('GET', `${base()}/products.csv`)).text;
    for (const type of ['application/xml', 'application/x-www-form-urlencoded']) {
      const res = await raw('PUT', `${base()}/products.csv`, 'productCode,itemRef\nP-9,BOX-S-200\n', type);
      expect(res.status, type).toBe(415);
      expect(JSON.parse(res.text).error.code).toBe('unsupported_media_type');
    }
    expect((await raw('GET', `${base()}/products.csv`)).text).toBe(before);
  });

  it('ranks product and customer suggestions with scores, and says whether the list was cut', async () => {
    const products = await f.call('POST', `${base()}/products/suggest`, {
      products: [{ productCode: 'BOX-S-200' }, { productCode: 'box s 200' }, { productCode: 'ZZQX' }],
      limit: 3,
    });
    expect(products.status, products.text).toBe(200);
    expect(products.body.truncated).toBe(false);
    const [exact, normalized, nothing] = products.body.data;
    expect(exact.productCode).toBe('BOX-S-200');
    expect(exact.suggestions[0]).toMatchObject({ itemRef: 'BOX-S-200', score: 1, reason: 'exact_code' });
    expect(exact.suggestions[0].description).toBe('Shipping box small 200mm');
    expect(normalized.suggestions[0]).toMatchObject({
      itemRef: 'BOX-S-200',
      score: 0.9,
      reason: 'normalized_code',
    });
    for (const s of [exact, normalized]) {
      expect(s.suggestions.length).toBeGreaterThan(1);
      expect(s.suggestions.length).toBeLessThanOrEqual(3);
      const scores = s.suggestions.map((x: { score: number }) => x.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores.every((x: number) => x > 0 && x <= 1)).toBe(true);
    }
    expect(nothing.productCode).toBe('ZZQX');

    // Unsold items are never suggested, even on an exact code.
    const unsold = await f.call('POST', `${base()}/products/suggest`, {
      products: [{ productCode: 'SAMPLE-KIT' }],
    });
    expect(unsold.body.data[0].suggestions.map((s: { itemRef: string }) => s.itemRef)).not.toContain(
      'SAMPLE-KIT',
    );

    const customers = await f.call('POST', `${base()}/customers/suggest`, {
      customers: [
        { customerAccount: 'C0002' },
        { customerAccount: 'ACC-77', name: 'Brick Lane Bakery' },
        { customerAccount: 'C0005' },
      ],
      limit: 2,
    });
    expect(customers.status, customers.text).toBe(200);
    expect(customers.body.truncated).toBe(false);
    const [byCode, byName, blocked] = customers.body.data;
    expect(byCode.suggestions[0]).toMatchObject({ customerCode: 'C0002', score: 1, reason: 'exact_code' });
    expect(byCode.suggestions.length).toBeLessThanOrEqual(2);
    expect(byName.suggestions[0]).toMatchObject({
      customerCode: 'C0001',
      name: 'Brick Lane Bakery',
      reason: 'similar_name',
    });
    expect(byName.suggestions[0].score).toBeLessThan(0.9);
    // A blocked customer is not suggested.
    expect(blocked.suggestions.map((s: { customerCode: string }) => s.customerCode)).not.toContain('C0005');

    const bad = await f.call('POST', `${base()}/customers/suggest`, { customers: [] });
    expect(bad.status).toBe(400);
  });

  it('pages the list with limit and cursor', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({
      productCode: `PG-${String(i).padStart(2, '0')}`,
      itemRef: i % 2 ? 'BOX-S-200' : 'BOX-M-400',
    }));
    expect((await f.call('PUT', `${base()}/products`, rows)).status).toBe(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await f.call('GET', `${base()}/products${q}`);
      expect(page.status, page.text).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.data.map((r: { productCode: string }) => r.productCode));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(rows.map((r) => r.productCode));

    const whole = await f.call('GET', `${base()}/products?limit=7`);
    expect(whole.body.data).toHaveLength(7);
    expect(whole.body.nextCursor).toBeNull();
    expect((await f.call('GET', `${base()}/products?limit=0`)).status).toBe(400);
    expect((await f.call('GET', `${base()}/products?limit=501`)).status).toBe(400);
    const forged = await f.call('GET', `${base()}/products?cursor=${encodeURIComponent('not a cursor!')}`);
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('invalid_query');
  });

  it('replaces the whole set by default and upserts with ?mode=merge', async () => {
    const put = (rows: unknown, query = '') => f.call('PUT', `${base()}/customers${query}`, rows);
    const current = async () =>
      pairs((await f.call('GET', `${base()}/customers`)).body.data, 'customerAccount', 'customerCode');

    expect(
      (
        await put([
          { customerAccount: 'A-1', customerCode: 'C0001' },
          { customerAccount: 'A-2', customerCode: 'C0002' },
        ])
      ).status,
    ).toBe(200);
    const merged = await put(
      [
        { customerAccount: 'A-2', customerCode: 'C0003' },
        { customerAccount: 'A-3', customerCode: 'C0004' },
      ],
      '?mode=merge',
    );
    expect(merged.status, merged.text).toBe(200);
    expect(pairs(merged.body.data, 'customerAccount', 'customerCode')).toEqual([
      ['A-1', 'C0001'],
      ['A-2', 'C0003'],
      ['A-3', 'C0004'],
    ]);

    const replaced = await put([{ customerAccount: 'A-3', customerCode: 'C0001' }], '?mode=replace');
    expect(replaced.status).toBe(200);
    expect(await current()).toEqual([['A-3', 'C0001']]);
    const byDefault = await put([{ customerAccount: 'A-4', customerCode: 'C0002' }]);
    expect(byDefault.status).toBe(200);
    expect(await current()).toEqual([['A-4', 'C0002']]);

    // Merge through the CSV import as well.
    const csvMerge = await raw(
      'PUT',
      `${base()}/customers.csv?mode=merge`,
      'customerAccount,customerCode\nA-5,C0003\n',
    );
    expect(csvMerge.status, csvMerge.text).toBe(200);
    expect(await current()).toEqual([
      ['A-4', 'C0002'],
      ['A-5', 'C0003'],
    ]);

    // A blocked customer fails the whole merge: nothing changes.
    const refused = await put([{ customerAccount: 'A-6', customerCode: 'C0005' }], '?mode=merge');
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.problems[0]).toMatchObject({ row: 0, code: 'customer_blocked' });
    expect(await current()).toEqual([
      ['A-4', 'C0002'],
      ['A-5', 'C0003'],
    ]);
    expect((await put([], '?mode=sideways')).status).toBe(400);
  });

  it('takes back the { data } body that GET gives', async () => {
    expect(
      (
        await f.call('PUT', `${base()}/products`, [
          { productCode: 'R-1', itemRef: 'BOX-S-200' },
          { productCode: 'R-2', itemRef: 'WRAP-500' },
        ])
      ).status,
    ).toBe(200);
    const got = await f.call('GET', `${base()}/products`);
    expect(got.body.data[0].updatedAt).toEqual(expect.any(String));
    const echoed = await f.call('PUT', `${base()}/products`, got.body);
    expect(echoed.status, echoed.text).toBe(200);
    expect(pairs(echoed.body.data, 'productCode', 'itemRef')).toEqual([
      ['R-1', 'BOX-S-200'],
      ['R-2', 'WRAP-500'],
    ]);
    const edited = {
      data: [...got.body.data.slice(1), { productCode: 'R-3', itemRef: 'TAPE-48-CLR' }],
      nextCursor: null,
    };
    const saved = await f.call('PUT', `${base()}/products`, edited);
    expect(saved.status, saved.text).toBe(200);
    expect(pairs(saved.body.data, 'productCode', 'itemRef')).toEqual([
      ['R-2', 'WRAP-500'],
      ['R-3', 'TAPE-48-CLR'],
    ]);
    // A misspelt field inside { data } is refused, not dropped.
    const typo = await f.call('PUT', `${base()}/products`, {
      data: [{ productCode: 'R-4', itemref: 'BOX-S-200' }],
    });
    expect(typo.status).toBe(400);
  });

  it('keeps another environment out', async () => {
    expect((await f.callB('GET', `${base()}/products`)).status).toBe(404);
    const res = await fetch(`${f.url}${base()}/products.csv`, {
      headers: { authorization: `Bearer ${f.keyB}` },
    });
    expect(res.status).toBe(404);
    const put = await fetch(`${f.url}${base()}/products.csv`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${f.keyB}`, 'content-type': 'text/csv' },
      body: 'productCode,itemRef\nX-1,BOX-S-200\n',
    });
    expect(put.status).toBe(404);
    expect(
      (await f.callB('POST', `${base()}/products/suggest`, { products: [{ productCode: 'X' }] })).status,
    ).toBe(404);
  });
});
