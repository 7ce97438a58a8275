// Simulator throughput and memory, measured in one run on this machine:
//   single-record reads/s and 100-record pages/s over keep-alive connections, and the RSS of
//   a folder scaled to 1,000,000 items after paging through a slice of it.
// Run: npx tsx bench/simulator.bench.ts   (targets: >= 5,000 reads/s, < 400 MB RSS at 1M items)
import { Pool } from 'undici';
import { createSimulator, DEMO_CREDENTIALS, type Simulator } from '../src/simulator/index.js';

const CONNECTIONS = 4;
const SINGLE_READS = 20_000;
const PAGE_READS = 1_000;
const BIG_SLICE_PAGES = 200;

async function token(sim: Simulator): Promise<string> {
  const { clientId, clientSecret } = DEMO_CREDENTIALS.oauth2;
  const res = await fetch(`${sim.url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Runs `total` GETs over `CONNECTIONS` parallel loops; returns requests per second. */
async function drive(
  pool: Pool,
  total: number,
  path: (i: number) => string,
  headers: Record<string, string>,
): Promise<number> {
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < total) {
        const i = next++;
        const res = await pool.request({ method: 'GET', path: path(i), headers });
        await res.body.text();
        if (res.statusCode !== 200) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (failures) throw new Error(`${failures} requests failed`);
  return total / seconds;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

async function throughput(): Promise<void> {
  const sim = await createSimulator({ quiet: true, poolSize: CONNECTIONS * 2 });
  const pool = new Pool(sim.url, { connections: CONNECTIONS, pipelining: 1 });
  const headers = { authorization: `Bearer ${await token(sim)}`, 'x-sage-folder': 'ALDGATE' };
  const itemPath = (i: number): string =>
    `/api1/x3/erp/ALDGATE/ITMMASTER('ITM${String((i % 900) + 1).padStart(7, '0')}')?representation=ITMMASTER.$details`;
  const orderPath = "/api1/x3/erp/ALDGATE/SORDER('SOALD010000002')?representation=SORDER.$details";
  const pagePath = (i: number): string =>
    `/api1/x3/erp/ALDGATE/ITMMASTER?representation=ITMMASTER.$query&count=100&key=gt.ITM${String((i * 7) % 800).padStart(7, '0')}`;
  await drive(pool, 2_000, itemPath, headers); // warm-up
  const itemReads = await drive(pool, SINGLE_READS, itemPath, headers);
  const orderReads = await drive(pool, SINGLE_READS / 2, () => orderPath, headers);
  const pages = await drive(pool, PAGE_READS, pagePath, headers);
  console.log(
    `single item reads:      ${itemReads.toFixed(0)} req/s  (${SINGLE_READS} GETs, ${CONNECTIONS} keep-alive connections)`,
  );
  console.log(`single order reads:     ${orderReads.toFixed(0)} req/s  (order with lines and X_REF titles)`);
  console.log(`100-record pages:       ${pages.toFixed(0)} pages/s = ${(pages * 100).toFixed(0)} records/s`);
  console.log(
    `ratio page / item read: ${(pages / itemReads).toFixed(3)}  (a page costs ${(itemReads / pages).toFixed(1)} reads)`,
  );
  await pool.close();
  await sim.close();
}

async function memory(): Promise<void> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const sim = await createSimulator({ quiet: true, scale: 1000 });
  const startMs = performance.now() - started;
  const pool = new Pool(sim.url, { connections: 2 });
  const headers = { authorization: `Bearer ${await token(sim)}` };
  // Page a slice in the middle of the million: keyset paging seeks there directly.
  let path: string | undefined =
    '/api1/x3/erp/ALDGATE/ITMMASTER?representation=ITMMASTER.$query&count=100&key=gt.ITM0500000';
  let records = 0;
  const pageStart = performance.now();
  for (let i = 0; i < BIG_SLICE_PAGES && path; i++) {
    const res = await pool.request({ method: 'GET', path, headers });
    const body = (await res.body.json()) as { $resources: unknown[]; $links: { $next?: { $url: string } } };
    records += body.$resources.length;
    path = body.$links.$next
      ? new URL(body.$links.$next.$url).pathname + new URL(body.$links.$next.$url).search
      : undefined;
  }
  const pageSeconds = (performance.now() - pageStart) / 1000;
  const lookup = await pool.request({
    method: 'GET',
    path: "/api1/x3/erp/ALDGATE/ITMMASTER('ITM0999000')?representation=ITMMASTER.$details",
    headers,
  });
  const found = ((await lookup.body.json()) as { ITMREF?: string }).ITMREF;
  // A where that matches nothing scans the whole million: the worst case for a filter.
  const scanStart = performance.now();
  const scan = await pool.request({
    method: 'GET',
    path: `/api1/x3/erp/ALDGATE/ITMMASTER?representation=ITMMASTER.$query&where=${encodeURIComponent("ITMDES1 eq 'none'")}`,
    headers,
  });
  const scanned = ((await scan.body.json()) as { $resources: unknown[] }).$resources.length;
  const scanSeconds = (performance.now() - scanStart) / 1000;
  const rss = process.memoryUsage().rss;
  console.log(`full where scan of 1M:  ${scanSeconds.toFixed(2)} s (${scanned} matches)`);
  console.log(
    `1M-item folder:         started in ${startMs.toFixed(0)} ms; paged ${records} records in ${pageSeconds.toFixed(2)} s; read ${found}`,
  );
  console.log(
    `RSS:                    ${mb(rss)} (process before the big folder: ${mb(before)}; target < 400 MB)`,
  );
  await pool.close();
  await sim.close();
}

await throughput();
await memory();
