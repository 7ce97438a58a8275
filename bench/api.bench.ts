// Latency and throughput x3bridge adds to a read: GET /v1/connections/{id}/customers/{code}
// against a direct X3 client call to the same simulator, in one run. The simulator and the
// x3bridge server each run in a child process, as they would on their own hosts, so that the
// caller here does not share an event loop with either (--in-process runs the server in this
// process instead, which is handy under --cpu-prof).
//
//   npx tsx bench/api.bench.ts [--postgres [URL]] [--x3-latency 5,20] [--rounds 3]
//                              [--log-level info] [--scale 1] [--in-process]
//
// For each database (PGlite always; Postgres with --postgres, on URL or DATABASE_URL or the
// machine's test server, in a scratch database dropped at the end) and each simulated X3
// latency (0 = the simulator answers at once, then each --x3-latency value in ms), it reports:
// sequential p50/p99 of both paths and the added p50 (target < 1 ms), and the throughput of
// both paths at concurrency 8 and their ratio (target >= 0.7). Rounds alternate the two paths
// so that drift of a shared 2-core machine hits both alike; figures are medians over rounds.
// The server logs at --log-level (default info, as in production) into a discarding stream.
// Every loop is bounded by a request count; --scale multiplies the counts.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Pool } from 'undici';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openStore, randomBase62, type Store } from '../src/db/index.js';
import { openTestStore, TEST_POSTGRES_ADMIN_URL, testConfig } from '../src/db/test-support/stores.js';
import { createApiKey, createEnvironment } from '../src/environments/environment.service.js';
import { createX3Client, type X3Client } from '../src/x3/index.js';

const CONCURRENCY = 8;
const DEMO_OAUTH = { clientId: 'aldgate-integration', clientSecret: 'aldgate-demo-secret' };

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const next = process.argv[i + 1];
  return next !== undefined && !next.startsWith('--') ? next : '';
}
const num = (name: string, fallback: number): number => {
  const v = flag(name);
  return v ? Number(v) : fallback;
};

async function startSimulator(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--simulator'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [url] = (await once(lines, 'line')) as [string];
  return { url, child };
}

async function setLatency(simUrl: string, ms: number): Promise<void> {
  // No rule at all for 0: a 0 ms delay rule would still wait for a timer tick.
  const res = await fetch(`${simUrl}/__sim/faults`, {
    method: ms > 0 ? 'PUT' : 'DELETE',
    ...(ms > 0
      ? {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ rules: [{ match: { path: '/api1' }, action: 'delay', ms }] }),
        }
      : {}),
  });
  if (!res.ok) throw new Error(`could not set the simulator's latency: ${res.status}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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

/** A scratch database on the Postgres server at `serverUrl`, dropped by `drop()`. */
async function scratchPostgres(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `x3b_bench_${randomBase62(10).toLowerCase()}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

interface Row {
  backend: string;
  latency: number;
  direct: { p50: number; p99: number; rps: number };
  api: { p50: number; p99: number; rps: number };
  /** Throughput of GET /healthz on the same server: what one HTTP hop into x3bridge allows. */
  hopRps?: number;
}

interface BenchServer {
  url: string;
  key: string;
  /** The read under test: one customer through the API. */
  path: string;
  stop(): Promise<void>;
}

/** An x3bridge server on `backend`, with an environment, a key and a connection to the simulator. */
async function serveForBench(
  backend: 'pglite' | 'postgres',
  simUrl: string,
  databaseUrl?: string,
): Promise<BenchServer> {
  const logLevel = flag('log-level') || 'info';
  let store: Store & { dispose?(): Promise<void> };
  if (backend === 'pglite') store = await openTestStore('pglite');
  else store = await openStore(testConfig({ databaseUrl: databaseUrl! }), { command: 'bench' });
  const config = { ...testConfig(), logLevel, allowPrivateHosts: ['127.0.0.1'] };
  const discard = new Writable({ write: (_chunk, _enc, done) => done() });
  const app = await createApp(config, { store, jobs: false, logStream: discard });
  const stop = async () => {
    await app.stop();
    await (store.dispose ? store.dispose() : store.close());
  };
  try {
    const url = await app.start();
    const env = await createEnvironment(store.db, `bench-${randomBase62(6)}`, 'bench');
    const { key } = await createApiKey(store.db, env.id, 'bench', 'bench');
    const created = await fetch(`${url}/v1/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench',
        baseUrl: simUrl,
        folder: 'ALDGATE',
        auth: { type: 'client_credentials', ...DEMO_OAUTH },
        settings: { concurrency: CONCURRENCY },
      }),
    });
    const { id } = (await created.json()) as { id: string };
    if (created.status !== 201) throw new Error(`connection not created: ${created.status}`);
    return { url, key, path: `/v1/connections/${id}/customers/C0001`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The same server in a child process: a caller and x3bridge do not share one event loop. */
async function serveInChild(
  backend: 'pglite' | 'postgres',
  simUrl: string,
  databaseUrl?: string,
): Promise<BenchServer> {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve-child', backend, simUrl];
  if (databaseUrl) args.push(databaseUrl);
  const logLevel = flag('log-level');
  if (logLevel) args.push('--log-level', logLevel);
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error('the bench server exited before it was ready');
    }),
  ])) as [string];
  const ready = JSON.parse(line) as Omit<BenchServer, 'stop'>;
  return {
    ...ready,
    async stop() {
      child.stdin!.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

async function benchBackend(
  backend: 'pglite' | 'postgres',
  server: Omit<BenchServer, 'stop'>,
  simUrl: string,
  latencies: number[],
  rows: Row[],
): Promise<void> {
  const rounds = num('rounds', 3);
  const scale = num('scale', 1);
  const api = new Pool(server.url, { connections: CONCURRENCY });
  let x3: X3Client | null = null;
  try {
    const { path } = server;
    const headers = { authorization: `Bearer ${server.key}` };
    await setLatency(simUrl, 0);

    // Same concurrency cap as the connection's client, so the two paths compare like for like.
    const client = createX3Client({
      baseUrl: simUrl,
      folder: 'ALDGATE',
      auth: { type: 'client_credentials', ...DEMO_OAUTH },
      limits: { maxConcurrent: CONCURRENCY },
    });
    x3 = client;
    const direct = async () => {
      const c = await client.customers.get('C0001');
      if (c.code !== 'C0001') throw new Error('direct read failed');
    };
    const viaApi = async () => {
      const res = await api.request({ path, method: 'GET', headers });
      const body = (await res.body.json()) as { code?: string };
      if (res.statusCode !== 200 || body.code !== 'C0001')
        throw new Error(`API read failed: ${res.statusCode}`);
    };
    const hop = async () => {
      const res = await api.request({ path: '/healthz', method: 'GET' });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`/healthz failed: ${res.statusCode}`);
    };
    await sequential(300, direct);
    await sequential(300, viaApi);

    for (const latency of latencies) {
      await setLatency(simUrl, latency);
      // Fewer calls when each one waits: about the same wall time per configuration.
      const seqCount = Math.round(scale * (latency === 0 ? 400 : Math.max(30, 600 / latency)));
      const concCount = Math.round(scale * (latency === 0 ? 2000 : Math.max(120, 4000 / latency)));
      const d = { p50: [] as number[], p99: [] as number[], rps: [] as number[] };
      const a = { p50: [] as number[], p99: [] as number[], rps: [] as number[] };
      const hops: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const sd = await sequential(seqCount, direct);
        const sa = await sequential(seqCount, viaApi);
        d.p50.push(percentile(sd, 50));
        d.p99.push(percentile(sd, 99));
        a.p50.push(percentile(sa, 50));
        a.p99.push(percentile(sa, 99));
        d.rps.push(await concurrent(concCount, direct));
        a.rps.push(await concurrent(concCount, viaApi));
        if (latency === 0) hops.push(await concurrent(concCount, hop));
      }
      const row: Row = {
        backend,
        latency,
        direct: { p50: median(d.p50), p99: median(d.p99), rps: median(d.rps) },
        api: { p50: median(a.p50), p99: median(a.p99), rps: median(a.rps) },
        ...(hops.length > 0 ? { hopRps: median(hops) } : {}),
      };
      rows.push(row);
      printRow(row, seqCount, concCount, rounds);
    }
  } finally {
    await x3?.close();
    await api.close();
  }
}

function printRow(row: Row, seqCount: number, concCount: number, rounds: number): void {
  const added = row.api.p50 - row.direct.p50;
  const ratio = row.api.rps / row.direct.rps;
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  console.log(
    `\n${row.backend}, X3 answering ${row.latency === 0 ? 'at once' : `in ${row.latency} ms`}: ` +
      `${seqCount} sequential reads and ${concCount} at concurrency ${CONCURRENCY} per path and round, ${rounds} rounds (medians)`,
  );
  console.log(
    `  direct client  p50 ${ms(row.direct.p50)}  p99 ${ms(row.direct.p99)}  ${row.direct.rps.toFixed(0)} req/s`,
  );
  console.log(
    `  via x3bridge   p50 ${ms(row.api.p50)}  p99 ${ms(row.api.p99)}  ${row.api.rps.toFixed(0)} req/s`,
  );
  console.log(
    `  added p50 ${ms(added)} (target < 1 ms: ${added < 1 ? 'met' : 'NOT met'}), ` +
      `throughput ratio ${ratio.toFixed(2)} (target >= 0.7: ${ratio >= 0.7 ? 'met' : 'NOT met'})`,
  );
  if (row.hopRps !== undefined) {
    // One HTTP hop into x3bridge with its hooks and logging, no auth and no X3: a read through
    // x3bridge costs at least this on top of the X3 call, so it bounds the ratio at 0 ms.
    console.log(
      `  ceiling: GET /healthz alone on this server ${row.hopRps.toFixed(0)} req/s, ` +
        `ratio ${(row.hopRps / row.direct.rps).toFixed(2)} to the direct client`,
    );
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const latencies = [0, ...(flag('x3-latency') || '5,20').split(',').map(Number)].filter(
    (n, i, all) => Number.isFinite(n) && n >= 0 && all.indexOf(n) === i,
  );
  const postgres = flag('postgres');
  const { url: simUrl, child } = await startSimulator();
  const rows: Row[] = [];
  const serve = process.argv.includes('--in-process') ? serveForBench : serveInChild;
  const run = async (backend: 'pglite' | 'postgres', databaseUrl?: string) => {
    const server = await serve(backend, simUrl, databaseUrl);
    try {
      await benchBackend(backend, server, simUrl, latencies, rows);
    } finally {
      await server.stop();
    }
  };
  try {
    await run('pglite');
    if (postgres !== undefined) {
      const serverUrl = postgres || loadConfig().databaseUrl || TEST_POSTGRES_ADMIN_URL;
      const scratch = await scratchPostgres(serverUrl);
      try {
        await run('postgres', scratch.url);
      } finally {
        await scratch.drop();
      }
    }
  } finally {
    child.stdin!.end();
    await once(child, 'exit');
  }
  console.log('\nsummary: database, X3 latency, added p50, p99 direct → via, throughput ratio');
  for (const r of rows) {
    console.log(
      `  ${r.backend.padEnd(8)} ${String(r.latency).padStart(3)} ms  added p50 ${(r.api.p50 - r.direct.p50).toFixed(2)} ms` +
        `  p99 ${r.direct.p99.toFixed(2)} → ${r.api.p99.toFixed(2)} ms  ratio ${(r.api.rps / r.direct.rps).toFixed(2)}`,
    );
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

// Last, so that every helper above is initialized before main runs.
if (process.argv[2] === '--simulator') {
  const { createSimulator } = await import('../src/simulator/index.js');
  const sim = await createSimulator({ poolSize: 64, quiet: true, requestLogSize: 100 });
  process.stdout.write(`${sim.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
} else if (process.argv[2] === '--serve-child') {
  const [backend, simUrl, databaseUrl] = process.argv.slice(3) as ['pglite' | 'postgres', string, string?];
  const server = await serveForBench(
    backend,
    simUrl,
    databaseUrl?.startsWith('--') ? undefined : databaseUrl,
  );
  const { stop, ...ready } = server;
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void stop().then(() => process.exit(0)));
} else {
  await main();
}
