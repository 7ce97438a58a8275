// Latency x3bridge adds to a read: GET /v1/connections/{id}/customers/{code} against a direct
// X3 client call to the same simulator, in one run. The simulator runs in a child process so
// that both paths pay the same for it; the API server runs here with an in-memory database.
//
//   npx tsx bench/api.bench.ts [--reads 2000] [--rounds 5] [--x3-latency 20]
//
// Reports the p50 difference (target < 1 ms) and the throughput ratio API / direct at the same
// concurrency (target >= 0.7), twice: with the simulator answering at once (pure overhead of
// the extra HTTP hop, auth and database read, against a ~0.1 ms baseline) and with every X3
// call held for --x3-latency ms (a fast real X3 answers a keyed read in tens of ms), which is
// what a caller of x3bridge actually sees. Every loop is bounded by a request count.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { createApp } from '../src/app.js';
import { openTestStore, testConfig } from '../src/db/test-support/stores.js';
import { createApiKey, createEnvironment } from '../src/environments/environment.service.js';
import { createX3Client } from '../src/x3/index.js';

const CONCURRENCY = 4;
const DEMO_OAUTH = { clientId: 'aldgate-integration', clientSecret: 'aldgate-demo-secret' };

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

if (process.argv[2] === '--simulator') {
  const { createSimulator } = await import('../src/simulator/index.js');
  const sim = await createSimulator({ poolSize: 64, quiet: true, requestLogSize: 100 });
  process.stdout.write(`${sim.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
} else {
  await main();
}

async function startSimulator(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--simulator'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [url] = (await once(lines, 'line')) as [string];
  return { url, child };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function sequential(count: number, call: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await call();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

async function concurrent(total: number, call: () => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        next += 1;
        await call();
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const reads = arg('reads', 2000);
  const rounds = arg('rounds', 5);
  const { url: simUrl, child } = await startSimulator();
  const store = await openTestStore('pglite');
  const config = { ...testConfig(), allowPrivateHosts: ['127.0.0.1'] };
  const app = await createApp(config, { store, jobs: false });
  const apiUrl = await app.start();
  try {
    const env = await createEnvironment(store.db, 'bench', 'bench');
    const { key } = await createApiKey(store.db, env.id, 'bench', 'bench');
    const api = new Pool(apiUrl, { connections: CONCURRENCY });
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const created = await api.request({
      path: '/v1/connections',
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'bench',
        baseUrl: simUrl,
        folder: 'ALDGATE',
        auth: { type: 'client_credentials', ...DEMO_OAUTH },
      }),
    });
    const { id } = (await created.body.json()) as { id: string };
    if (created.statusCode !== 201) throw new Error(`connection not created: ${created.statusCode}`);
    const path = `/v1/connections/${id}/customers/C0001`;

    const x3 = createX3Client({
      baseUrl: simUrl,
      folder: 'ALDGATE',
      auth: { type: 'client_credentials', ...DEMO_OAUTH },
      limits: { maxConcurrent: CONCURRENCY },
    });
    const direct = async () => {
      const c = await x3.customers.get('C0001');
      if (c.code !== 'C0001') throw new Error('direct read failed');
    };
    const viaApi = async () => {
      const res = await api.request({ path, method: 'GET', headers });
      const body = (await res.body.json()) as { code?: string };
      if (res.statusCode !== 200 || body.code !== 'C0001')
        throw new Error(`API read failed: ${res.statusCode}`);
    };

    await sequential(200, direct);
    await sequential(200, viaApi);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const measure = async (label: string, count: number) => {
      // Alternating rounds, so drift of the machine (other work on 2 cores) hits both alike.
      const p50 = { direct: [] as number[], api: [] as number[] };
      const p99 = { direct: [] as number[], api: [] as number[] };
      const rps = { direct: [] as number[], api: [] as number[] };
      for (let r = 0; r < rounds; r++) {
        const d = await sequential(count / 4, direct);
        const a = await sequential(count / 4, viaApi);
        p50.direct.push(percentile(d, 50));
        p50.api.push(percentile(a, 50));
        p99.direct.push(percentile(d, 99));
        p99.api.push(percentile(a, 99));
        rps.direct.push(await concurrent(count, direct));
        rps.api.push(await concurrent(count, viaApi));
      }
      const added = median(p50.api) - median(p50.direct);
      const ratio = median(rps.api) / median(rps.direct);
      console.log(
        `\n${label}: ${count / 4} sequential reads and ${count} at concurrency ${CONCURRENCY} per round, ${rounds} rounds (medians)`,
      );
      console.log(
        `  direct client  p50 ${median(p50.direct).toFixed(2)} ms  p99 ${median(p99.direct).toFixed(2)} ms  ${median(rps.direct).toFixed(0)} req/s`,
      );
      console.log(
        `  via x3bridge   p50 ${median(p50.api).toFixed(2)} ms  p99 ${median(p99.api).toFixed(2)} ms  ${median(rps.api).toFixed(0)} req/s`,
      );
      console.log(
        `  added p50 latency ${added.toFixed(2)} ms (target < 1 ms): ${added < 1 ? 'met' : 'NOT met'}`,
      );
      console.log(
        `  throughput ratio ${ratio.toFixed(2)} (target >= 0.7): ${ratio >= 0.7 ? 'met' : 'NOT met'}`,
      );
    };
    await measure('X3 answering at once', reads);
    const latency = arg('x3-latency', 20);
    const faults = await fetch(`${simUrl}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ match: { path: '/api1' }, action: 'delay', ms: latency }] }),
    });
    if (!faults.ok) throw new Error(`could not set the simulator's latency: ${faults.status}`);
    await measure(`X3 answering in ${latency} ms`, Math.max(40, Math.round(reads / 10)));
    await x3.close();
    await api.close();
  } finally {
    await app.stop();
    await store.dispose();
    child.stdin!.end();
    await once(child, 'exit');
  }
}
