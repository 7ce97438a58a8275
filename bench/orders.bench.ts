// What accepting a quote costs on top of creating the X3 order directly, and whether a burst of
// concurrent accepts stays exactly-once. The simulator answers at once and runs in this process;
// the API server runs here too, on an in-memory embedded database (or `--postgres`: a fresh
// database on the machine's Postgres server, dropped afterwards).
//
//   npx tsx bench/orders.bench.ts [--sequential 200] [--burst 200] [--postgres]
//
// Reports, from one run: p50 and p95 of POST …/quotes/{id}/accept and of a direct
// `salesOrders.create` with the same order, the added p50 (target < 20 ms: the accept writes the
// quote, its outbox row and attempt in three short transactions around the same X3 call), then
// a burst of concurrent accepts of distinct quotes: throughput and duplicates counted in the
// simulator by CUSORDREF (target 0). Every loop is bounded by a count.
import { createApp } from '../src/app.js';
import { openStore } from '../src/db/index.js';
import { createTestDatabase, openTestStore, testConfig } from '../src/db/test-support/stores.js';
import { createApiKey, createEnvironment } from '../src/environments/environment.service.js';
import { createSimulator, DEMO_CREDENTIALS } from '../src/simulator/index.js';
import { createX3Client } from '../src/x3/index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SEQUENTIAL = arg('sequential', 200);
const BURST = arg('burst', 200);
const POSTGRES = process.argv.includes('--postgres');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (n: number) => `${n.toFixed(2)} ms`;

const QUOTE = {
  customerAccount: 'ACC-1001',
  requestedDeliveryDate: '2099-12-07',
  site: 'ALD01',
  lines: [
    { productCode: 'P-BOX-S', quantity: 500, unitPrice: 0.42 },
    { productCode: 'P-TAPE', quantity: 12 },
  ],
};

async function main(): Promise<void> {
  // A pool as large as the burst, so that the burst measures x3bridge, not X3's channel limit.
  const simulator = await createSimulator({ port: 0, quiet: true, poolSize: 64, requestLogSize: 100 });
  const database = POSTGRES ? await createTestDatabase() : null;
  const store = database
    ? await openStore(testConfig({ databaseUrl: database.url }), { command: 'bench' })
    : await openTestStore('pglite');
  const config = {
    ...testConfig(database ? { databaseUrl: database.url } : {}),
    allowPrivateHosts: ['127.0.0.1'],
  };
  const app = await createApp(config, { store, jobs: false });
  const url = await app.start();
  const direct = createX3Client({
    baseUrl: simulator.url,
    folder: 'ALDGATE',
    auth: { type: 'client_credentials', ...DEMO_CREDENTIALS.oauth2 },
  });
  try {
    const env = await createEnvironment(store.db, 'bench', 'bench');
    const key = (await createApiKey(store.db, env.id, 'bench', 'bench')).key;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, text };
    };
    const conn = await call('POST', '/v1/connections', {
      name: 'Aldgate',
      baseUrl: simulator.url,
      folder: 'ALDGATE',
      auth: { type: 'client_credentials', ...DEMO_CREDENTIALS.oauth2 },
    });
    if (conn.status !== 201) throw new Error(`connection: ${conn.text}`);
    const id = conn.body.id as string;
    await call('PUT', `/v1/connections/${id}/mappings/products`, [
      { productCode: 'P-BOX-S', itemRef: 'BOX-S-200' },
      { productCode: 'P-TAPE', itemRef: 'TAPE-48-BRN' },
    ]);
    await call('PUT', `/v1/connections/${id}/mappings/customers`, [
      { customerAccount: 'ACC-1001', customerCode: 'C0001' },
    ]);

    let n = 0;
    const accept = async (quoteId = `B-${++n}`) => {
      const r = await call('POST', `/v1/connections/${id}/quotes/${quoteId}/accept`, QUOTE);
      if (r.status !== 201) throw new Error(`accept ${quoteId}: ${r.status} ${r.text}`);
      return r.body.orderNumber as string;
    };
    const create = () =>
      direct.salesOrders.create({
        customerCode: 'C0001',
        customerOrderReference: `D-${++n}`,
        salesSite: 'ALD01',
        requestedDeliveryDate: '2099-12-07',
        lines: [
          { itemRef: 'BOX-S-200', quantity: 500, grossPrice: '0.42' },
          { itemRef: 'TAPE-48-BRN', quantity: 12 },
        ],
      });

    // Warm-up: tokens, pools, JIT, the accept's cached X3 checks.
    for (let i = 0; i < 20; i++) {
      await accept();
      await create();
    }
    // Interleaved, so that both paths see the same folder size and machine load.
    const viaApi: number[] = [];
    const viaClient: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      let t = performance.now();
      await accept();
      viaApi.push(performance.now() - t);
      t = performance.now();
      await create();
      viaClient.push(performance.now() - t);
    }
    viaApi.sort((a, b) => a - b);
    viaClient.sort((a, b) => a - b);
    const added = percentile(viaApi, 50) - percentile(viaClient, 50);
    console.log(`store: ${store.kind}; ${SEQUENTIAL} sequential orders each way`);
    console.log(
      `  direct salesOrders.create  p50 ${ms(percentile(viaClient, 50))}  p95 ${ms(percentile(viaClient, 95))}`,
    );
    console.log(
      `  POST …/accept             p50 ${ms(percentile(viaApi, 50))}  p95 ${ms(percentile(viaApi, 95))}`,
    );
    console.log(`  added p50 ${ms(added)} (target < 20 ms): ${added < 20 ? 'met' : 'NOT met'}`);

    const ids = Array.from({ length: BURST }, (_, i) => `BURST-${i}`);
    const t0 = performance.now();
    const numbers = await Promise.all(ids.map((q) => accept(q)));
    const seconds = (performance.now() - t0) / 1000;
    const res = await fetch(`${simulator.url}/__sim/folders/ALDGATE/SORDER`);
    const orders = ((await res.json()) as Array<{ CUSORDREF: string; SOHNUM: string }>).filter((o) =>
      o.CUSORDREF.startsWith('BURST-'),
    );
    const refs = new Set(orders.map((o) => o.CUSORDREF));
    const duplicates = orders.length - refs.size;
    const mismatched = ids.filter(
      (q, i) => orders.find((o) => o.CUSORDREF === q)?.SOHNUM !== numbers[i],
    ).length;
    console.log(`burst: ${BURST} distinct quotes accepted at once`);
    console.log(`  ${(BURST / seconds).toFixed(0)} accepts/s (${seconds.toFixed(2)} s)`);
    console.log(
      `  X3 orders ${orders.length}, missing ${BURST - refs.size}, duplicates ${duplicates}, answers not matching X3 ${mismatched} (target 0, 0, 0)`,
    );
    if (duplicates > 0 || refs.size !== BURST || mismatched > 0) process.exitCode = 1;
  } finally {
    await direct.close();
    await app.stop();
    await store.close();
    await database?.drop();
    await simulator.close();
  }
}

await main();
