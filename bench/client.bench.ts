// Client overhead against raw undici calls to the same simulator, measured in one run, and the
// client's memory while streaming a million items. The simulator always runs in a child
// process; the stream runs in another, so that the RSS measured is the client's own.
//
//   npx tsx bench/client.bench.ts [--reads 4000] [--items 1000000] [--page-size 100]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { createX3Client } from '../src/index.js';

const CONCURRENCY = 4;
const ROUNDS = 7;

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

// The demo client of the simulator, written out so that this process never loads the simulator.
const DEMO_OAUTH = { clientId: 'aldgate-integration', clientSecret: 'aldgate-demo-secret' };

async function startSimulator(scale: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--simulator', '--scale', String(scale)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const [url] = (await once(lines, 'line')) as [string];
  return { url, child };
}

async function stop(child: ChildProcess): Promise<void> {
  child.stdin!.end();
  await once(child, 'exit');
}

const STREAMER = `
import { createX3Client } from './src/index.js';
const [url, pageSize, items] = process.argv.slice(2);
const x3 = createX3Client({ baseUrl: url, folder: 'ALDGATE',
  auth: { type: 'client_credentials', clientId: '${DEMO_OAUTH.clientId}', clientSecret: '${DEMO_OAUTH.clientSecret}' } });
const baseline = process.memoryUsage().rss;
let peak = baseline;
let count = 0;
const started = performance.now();
for await (const item of x3.items.list({ pageSize: Number(pageSize), limit: Number(items) })) {
  if (item.ref === '') throw new Error('empty item');
  count += 1;
  if (count % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
const seconds = (performance.now() - started) / 1000;
await x3.close();
console.log(JSON.stringify({ count, seconds, baseline, peak }));
`;

/**
 * Transpiles the library (src/index.ts and src/x3) to JavaScript under node_modules/.cache, so
 * that the stream runs in plain Node without a TypeScript loader inflating its memory. Bare
 * imports resolve from the project's node_modules.
 */
async function compileClient(): Promise<string> {
  const ts = (await import('typescript')).default;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = join(root, 'node_modules', '.cache', 'x3bridge-client-bench');
  await rm(out, { recursive: true, force: true });
  const sources = [
    'src/index.ts',
    ...(await readdir(join(root, 'src', 'x3'), { recursive: true })).map((f) => join('src', 'x3', f)),
  ];
  for (const file of sources.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const { outputText } = ts.transpileModule(await readFile(join(root, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    await mkdir(dirname(join(out, file)), { recursive: true });
    await writeFile(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
  await writeFile(join(out, 'stream.js'), STREAMER);
  return join(out, 'stream.js');
}

async function runConcurrent(total: number, call: () => Promise<unknown>): Promise<number> {
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
  const reads = arg('reads', 4000);
  const items = arg('items', 1_000_000);
  // The client's default page size; X3 caps pages anyway (the simulator here at 1,000).
  const pageSize = arg('page-size', 100);

  // 1. Streaming items through the client's async iterator, in a plain Node process running
  // the client compiled to JavaScript (as a library user runs it), RSS sampled every 1,000.
  {
    const scale = Math.ceil(items / 1000);
    const { url, child } = await startSimulator(scale);
    const script = await compileClient();
    const streamer = spawn(process.execPath, [script, url, String(pageSize), String(items)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: streamer.stdout! }), 'line')) as [string];
    const r = JSON.parse(line) as { count: number; seconds: number; baseline: number; peak: number };
    const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
    console.log(
      `streamed ${r.count} items (pages of ${pageSize}) in ${r.seconds.toFixed(1)} s (${(r.count / r.seconds).toFixed(0)}/s); client process RSS start ${mb(r.baseline)} MB, peak ${mb(r.peak)} MB (target < 150 MB)`,
    );
    await once(streamer, 'exit');
    await stop(child);
  }
  if (reads === 0) return;

  // 2. Single reads: client vs raw undici, same simulator, same concurrency, alternated rounds.
  {
    const { url, child } = await startSimulator(1);
    const auth = { type: 'client_credentials', ...DEMO_OAUTH } as const;
    const x3 = createX3Client({
      baseUrl: url,
      folder: 'ALDGATE',
      auth,
      limits: { maxConcurrent: CONCURRENCY },
    });
    const pool = new Pool(url, { connections: CONCURRENCY });
    const basic = Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64');
    const tokenAnswer = await pool.request({
      path: '/oauth2/token',
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    const { access_token: token } = (await tokenAnswer.body.json()) as { access_token: string };
    const path = "/api1/x3/erp/ALDGATE/FACILITY('ALD01')?representation=FACILITY.$details";
    const raw = async () => {
      const res = await pool.request({
        path,
        method: 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json;vnd.sage=syracuse',
          'x-sage-folder': 'ALDGATE',
        },
      });
      const body = (await res.body.json()) as { FCY: string };
      if (res.statusCode !== 200 || body.FCY !== 'ALD01')
        throw new Error(`raw read failed: ${res.statusCode}`);
    };
    const viaClient = async () => {
      const site = await x3.sites.get('ALD01');
      if (site.code !== 'ALD01') throw new Error('client read failed');
    };
    await runConcurrent(300, raw);
    await runConcurrent(300, viaClient);
    // The machine is shared: rounds alternate raw and client, and the median of the per-round
    // ratios is reported beside the ratio of the best rounds.
    const rawRates: number[] = [];
    const clientRates: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const r = await runConcurrent(reads, raw);
      const c = await runConcurrent(reads, viaClient);
      rawRates.push(r);
      clientRates.push(c);
      ratios.push(r / c);
    }
    const best = (xs: number[]) => Math.max(...xs);
    const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
    console.log(
      `single reads (${ROUNDS} rounds of ${reads}, concurrency ${CONCURRENCY}): raw undici best ${best(rawRates).toFixed(0)}/s, client best ${best(clientRates).toFixed(0)}/s; overhead ratio median ${median.toFixed(3)}, best-vs-best ${(best(rawRates) / best(clientRates)).toFixed(3)} (target <= 1.15)`,
    );
    await x3.close();
    await pool.close();
    await stop(child);
  }
}

if (process.argv[2] === '--simulator') {
  const { createSimulator } = await import('../src/simulator/index.js');
  const sim = await createSimulator({
    scale: arg('scale', 1),
    pageCap: 1000,
    poolSize: 64,
    quiet: true,
    requestLogSize: 100,
  });
  process.stdout.write(`${sim.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
} else {
  await main();
}
