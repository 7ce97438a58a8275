import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from './index.js';
import { apiPath, call, mintToken } from './test-support/client.js';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await createSimulator({ quiet: true });
  token = await mintToken(sim);
});
afterAll(async () => {
  await sim.close();
});

const get = (path: string, folderHeader?: string) =>
  call(sim, 'GET', path, { token, ...(folderHeader && { folderHeader }) });

describe('routing', () => {
  it('answers 404 with a diagnosis for an unknown folder or class', async () => {
    const folder = await get(apiPath('NOPE', 'BPCUSTOMER?representation=BPCUSTOMER.$query'));
    expect(folder.status).toBe(404);
    expect(folder.body.$diagnoses[0].$severity).toBe('error');
    const cls = await get(apiPath('ALDGATE', 'NOPE?representation=NOPE.$query'));
    expect(cls.status).toBe(404);
    expect(cls.body.$diagnoses[0].$message).toContain('NOPE');
  });

  it('requires a representation of the class and a known facet', async () => {
    expect((await get(apiPath('ALDGATE', 'BPCUSTOMER'))).status).toBe(400);
    expect((await get(apiPath('ALDGATE', 'BPCUSTOMER?representation=ITMMASTER.$query'))).status).toBe(400);
    expect((await get(apiPath('ALDGATE', 'BPCUSTOMER?representation=BPCUSTOMER.$bogus'))).status).toBe(400);
    expect((await get(apiPath('ALDGATE', 'BPCUSTOMER?representation=BPCUSTOMER'))).status).toBe(400);
    const details = await get(apiPath('ALDGATE', 'BPCUSTOMER?representation=BPCUSTOMER.$details'));
    expect(details.status).toBe(400);
    expect(details.body.$diagnoses).toHaveLength(1);
  });

  it('checks X-Sage-Folder against the path, and requires it in strict mode', async () => {
    const path = apiPath('ALDGATE', "BPCUSTOMER('C0001')?representation=BPCUSTOMER.$details");
    expect((await get(path, 'ALDGATE')).status).toBe(200);
    expect((await get(path, 'ALDTEST')).status).toBe(400);
    expect((await get(path)).status).toBe(200);
    sim.setStrictFolderHeader(true);
    try {
      expect((await get(path)).status).toBe(400);
      expect((await get(path, 'ALDGATE')).status).toBe(200);
    } finally {
      sim.setStrictFolderHeader(false);
    }
  });

  it('keeps folders apart', async () => {
    const inTest = await get(apiPath('ALDTEST', "BPCUSTOMER('C0001')?representation=BPCUSTOMER.$details"));
    expect(inTest.status).toBe(200);
    expect(inTest.body.$diagnoses[0].$message).toBe('721 : Record does not exist');
    const t = await get(apiPath('ALDTEST', "BPCUSTOMER('T0001')?representation=BPCUSTOMER.$details"));
    expect(t.body.CUR).toBe('EUR');
  });
});

describe('keys', () => {
  it('reads quoted, percent-encoded and composite keys', async () => {
    const encoded = await get(
      apiPath('ALDGATE', 'BPCUSTOMER(%27C0002%27)?representation=BPCUSTOMER.$details'),
    );
    expect(encoded.body.BPCNUM).toBe('C0002');
    const stock = await get(apiPath('ALDGATE', "ITMMVT('BOX-S-200~ALD02')?representation=ITMMVT.$details"));
    expect(stock.body).toMatchObject({ ITMREF: 'BOX-S-200', STOFCY: 'ALD02' });
    const entry = await get(
      apiPath('ALDGATE', "GACCENTRY('ODP~ODALD0000001')?representation=GACCENTRY.$details"),
    );
    expect(entry.body).toMatchObject({ TYP: 'ODP', NUM: 'ODALD0000001' });
  });

  it('undoes doubled quotes in a key', async () => {
    const created = await call(
      sim,
      'POST',
      apiPath('ALDGATE', 'BPCUSTOMER?representation=BPCUSTOMER.$create'),
      {
        token,
        body: { BPCNUM: 'OBRIEN', BPCNAM: ["O'Brien Bakes"], CUR: 'GBP' },
      },
    );
    expect(created.status).toBe(201);
    const read = await get(apiPath('ALDGATE', "BPCUSTOMER('OBRIEN')?representation=BPCUSTOMER.$details"));
    expect(read.body.BPCNAM[0]).toBe("O'Brien Bakes");
    const quoted = await get(apiPath('ALDGATE', "BPCUSTOMER('O''X')?representation=BPCUSTOMER.$details"));
    expect(quoted.status).toBe(200);
    expect(quoted.body.$diagnoses[0].$message).toContain('721');
  });

  it('refuses malformed keys with 400', async () => {
    for (const key of ['(C0001)', "('C0001)", "('C'0001')", "('')", '(%E0%A4%A)']) {
      const res = await get(apiPath('ALDGATE', `BPCUSTOMER${key}?representation=BPCUSTOMER.$details`));
      expect(res.status, key).toBe(400);
      expect(res.body.$diagnoses[0].$severity).toBe('error');
    }
    const parts = await get(apiPath('ALDGATE', "ITMMVT('BOX-S-200')?representation=ITMMVT.$details"));
    expect(parts.status).toBe(400);
  });

  it('answers a missing key with 200 and the 721 diagnosis', async () => {
    const res = await get(apiPath('ALDGATE', "SORDER('SOALD019999999')?representation=SORDER.$details"));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      $diagnoses: [{ $severity: 'error', $message: '721 : Record does not exist' }],
    });
  });
});

describe('$template and $prototypes', () => {
  it('gives create defaults', async () => {
    const t = await get(apiPath('ALDGATE', 'SORDER/$template?representation=SORDER.$create'));
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ SOHTYP: 'SON', SALFCY: 'ALD01', CUR: 'GBP', CUSORDREF: ' ', SOHSOP: [] });
    expect(t.body.DEMDLVDAT).toBe('1599-12-31');
    const items = await get(apiPath('ALDGATE', 'ITMMASTER/$template?representation=ITMMASTER.$create'));
    expect(items.status).toBe(400);
  });

  it('describes properties', async () => {
    const p = await get(apiPath('ALDGATE', "SORDER/$prototypes('SORDER.$create')"));
    expect(p.status).toBe(200);
    expect(p.body.$properties.CUSORDREF).toMatchObject({ $type: 'application/x-string', $maxLength: 30 });
    expect(p.body.$properties.BPCORD.$isMandatory).toBe(true);
    expect(p.body.$properties.SOHSOP.$item.$properties.QTY.$isMandatory).toBe(true);
    expect((await get(apiPath('ALDGATE', "SORDER/$prototypes('ITMMASTER.$create')"))).status).toBe(404);
  });
});

describe('bad input never crashes or hangs', () => {
  const create = apiPath('ALDGATE', 'BPCUSTOMER?representation=BPCUSTOMER.$create');

  it('refuses bad JSON, a wrong content type and a non-object body', async () => {
    const json = await call(sim, 'POST', create, { token, rawBody: '{"BPCNUM": ' });
    expect(json.status).toBe(400);
    expect(json.body.$diagnoses[0].$message).toMatch(/JSON/);
    const type = await call(sim, 'POST', create, { token, rawBody: 'BPCNUM=X', contentType: 'text/plain' });
    expect(type.status).toBe(400);
    const list = await call(sim, 'POST', create, { token, body: [1, 2] });
    expect(list.status).toBe(400);
  });

  it('refuses a body over 1 MiB', async () => {
    const big = {
      BPCNUM: 'BIG',
      BPCNAM: ['x'.repeat(10)],
      CUR: 'GBP',
      ZCUSTREF: 'y'.repeat(1024 * 1024 + 10),
    };
    const res = await call(sim, 'POST', create, { token, body: big });
    expect(res.status).toBe(400);
    expect(res.body.$diagnoses[0].$message).toMatch(/1 MiB/);
  });

  it('refuses unknown properties with their path', async () => {
    const res = await call(sim, 'POST', create, {
      token,
      body: {
        BPCNUM: 'UNK1',
        BPCNAM: ['Unknown'],
        CUR: 'GBP',
        COLOUR: 'red',
        BPCBPA: [{ BPAADD: 'MAIN', FAX: '1' }],
      },
    });
    expect(res.status).toBe(400);
    const paths = res.body.$diagnoses.map((d: { $payloadPath: string }) => d.$payloadPath);
    expect(paths).toEqual(['COLOUR', 'BPCBPA[0].FAX']);
  });

  it('answers 404 outside the REST tree and 405 for a wrong method', async () => {
    expect((await call(sim, 'GET', '/sdata/x3/erp/ALDGATE/BPCUSTOMER', { token })).status).toBe(404);
    const patch = await call(
      sim,
      'PATCH',
      apiPath('ALDGATE', "BPCUSTOMER('C0001')?representation=BPCUSTOMER.$edit"),
      {
        token,
        body: {},
      },
    );
    expect(patch.status).toBe(405);
  });
});
