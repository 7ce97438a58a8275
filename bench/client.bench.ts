// Client overhead against raw undici calls to the same simulator, measured in one run, and the
// client's memory while streaming a million items.
//
//   npx tsx bench/client.bench.ts [--reads 4000] [--items 1000000] [--page-size 100]
//
// The simulator runs in a child process. The measured code runs in another: plain Node on the
// library transpiled to JavaScript, as a user of the package runs it, so that neither the
// simulator nor a TypeScript loader weighs on the figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CONCURRENCY = 4;
const ROUNDS = 7;
// The simulator's demo client, written out so that this process never loads the simulator.
const DEMO_OAUTH = { clientId: 'aldgate-integration', clientSecret: 'aldgate-demo-secret' };

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

const COMMON = `
import { createX3Client } from './src/index.js';
const [url, ...rest] = process.argv.slice(2);
const auth = { type: 'client_credentials', clientId: '${DEMO_OAUTH.clientId}', clientSecret: '${DEMO_OAUTH.clientSecret}' };
const report = (value) => process.stdout.write(JSON.stringify(value) + '\\n');
`;

const STREAMER = `${COMMON}
const [pageSize, items] = rest.map(Number);
const x3 = createX3Client({ baseUrl: url, folder: 'ALDGATE', auth });
const baseline = process.memoryUsage().rss;
let peak = baseline;
let count = 0;
const started = performance.now();
for await (const item of x3.items.list({ pageSize, limit: items })) {
  if (item.ref === '') throw new Error('empty item');
  count += 1;
  if (count % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
const seconds = (performance.now() - started) / 1000;
await x3.close();
report({ count, seconds, baseline, peak });
`;

const READER = `${COMMON}
import { Pool } from 'undici';
const [reads, rounds, concurrency] = rest.map(Number);
const x3 = createX3Client({ baseUrl: url, folder: 'ALDGATE', auth, limits: { maxConcurrent: concurrency } });
const pool = new Pool(url, { connections: concurrency });
const basic = Buffer.from(auth.clientId + ':' + auth.clientSecret).toString('base64');
const minted = await pool.request({ path: '/oauth2/token', method: 'POST',
  headers: { authorization: 'Basic ' + basic, 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials' });
const { access_token: token } = await minted.body.json();
const path = "/api1/x3/erp/ALDGATE/FACILITY('ALD01')?representation=FACILITY.%24details";
const headers = { authorization: 'Bearer ' + token, accept: 'application/json;vnd.sage=syracuse', 'x-sage-folder': 'ALDGATE' };
async function raw() {
  const res = await pool.request({ path, method: 'GET', headers });
  const body = await res.body.json();
  if (res.statusCode !== 200 || body.FCY !== 'ALD01') throw new Error('raw read failed: ' + res.statusCode);
}
async function viaClient() {
  const site = await x3.sites.get('ALD01');
  if (site.code !== 'ALD01') throw new Error('client read failed');
}
async function run(total, call) {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) { next += 1; await call(); }
  }));
  const used = process.cpuUsage(cpu);
  return { rate: total / ((performance.now() - started) / 1000), cpuPerCall: (used.user + used.system) / total };
}
await run(500, raw);
await run(500, viaClient);
const out = { raw: [], client: [] };
for (let round = 0; round < rounds; round += 1) {
  out.raw.push(await run(reads, raw));
  out.client.push(await run(reads, viaClient));
}
await x3.close();
await pool.close();
report(out);
`;

/**
 * Transpiles the library (src/index.ts and src/x3) to JavaScript under node_modules/.cache, with
 * the given script beside it; bare imports resolve from the project's node_modules.
 */
async function compile(name: string, script: string): Promise<string> {
  const ts = (await import('typescript')).default;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = join(root, 'node_modules', '.cache', 'x3bridge-client-bench');
  await rm(join(out, 'src'), { recursive: true, force: true });
  const x3Files = (await readdir(join(root, 'src', 'x3'), { recursive: true })).map((f) =>
    join('src', 'x3', f),
  );
  // The package entry point also re-exports webhook signature checking.
  for (const file of ['src/index.ts', 'src/webhooks/webhook.signature.ts', ...x3Files].filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  )) {
    const { outputText } = ts.transpileModule(await readFile(join(root, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    await mkdir(dirname(join(out, file)), { recursive: true });
    await writeFile(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
  await writeFile(join(out, name), script);
  return join(out, name);
}

/** Runs a compiled script and returns the JSON it reports. */
async function runScript<T>(script: string, args: string[], nodeFlags: string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...nodeFlags, script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  await once(child, 'exit');
  return JSON.parse(line) as T;
}

async function startSimulator(scale: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--simulator', '--scale', String(scale)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const [url] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { url, child };
}

async function stop(child: ChildProcess): Promise<void> {
  child.stdin!.end();
  await once(child, 'exit');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (n: number) => (n / 1024 / 1024).toFixed(0);

async function main(): Promise<void> {
  const reads = arg('reads', 4000);
  const items = arg('items', 1_000_000);
  // The client's default page size; X3 caps pages anyway (this simulator at 1,000).
  const pageSize = arg('page-size', 100);

  if (items > 0) {
    const { url, child } = await startSimulator(Math.ceil(items / 1000));
    const script = await compile('stream.js', STREAMER);
    type Streamed = { count: number; seconds: number; baseline: number; peak: number };
    const r = await runScript<Streamed>(script, [url, String(pageSize), String(items)]);
    console.log(
      `streamed ${r.count} items (pages of ${pageSize}) in ${r.seconds.toFixed(1)} s (${(r.count / r.seconds).toFixed(0)}/s); client process RSS at start ${mb(r.baseline)} MB, peak ${mb(r.peak)} MB (target < 150 MB: ${r.peak < 150 * 1024 * 1024 ? 'met' : 'NOT met'})`,
    );
    // V8 collects its old generation lazily, so the default run's peak says more about V8 than
    // about the client. The same stream with the heap capped at 48 MB shows that memory is
    // constant: a client that kept records would die here instead of finishing.
    const capped = await runScript<Streamed>(
      script,
      [url, String(pageSize), String(items)],
      ['--max-old-space-size=48', '--max-semi-space-size=4'],
    );
    console.log(
      `the same with a 48 MB old-space cap: ${capped.count} items in ${capped.seconds.toFixed(1)} s (${(capped.count / capped.seconds).toFixed(0)}/s, ratio ${(capped.seconds / r.seconds).toFixed(2)} of the time); RSS at start ${mb(capped.baseline)} MB, peak ${mb(capped.peak)} MB`,
    );
    await stop(child);
  }

  if (reads > 0) {
    const { url, child } = await startSimulator(1);
    const script = await compile('reads.js', READER);
    type Round = { rate: number; cpuPerCall: number };
    const r = await runScript<{ raw: Round[]; client: Round[] }>(script, [
      url,
      String(reads),
      String(ROUNDS),
      String(CONCURRENCY),
    ]);
    // The machine is shared: rounds alternate, and medians of per-round ratios are reported.
    const rateRatio = median(r.raw.map((raw, i) => raw.rate / r.client[i]!.rate));
    const cpuRatio = median(r.client.map((c, i) => c.cpuPerCall / r.raw[i]!.cpuPerCall));
    const best = (rounds: Round[]) => Math.max(...rounds.map((x) => x.rate)).toFixed(0);
    console.log(
      `single reads (${ROUNDS} rounds of ${reads}, concurrency ${CONCURRENCY}): raw undici best ${best(r.raw)}/s, client best ${best(r.client)}/s; throughput ratio raw/client (median) ${rateRatio.toFixed(3)} (target <= 1.15); CPU per call client/raw (median) ${cpuRatio.toFixed(3)}, ${median(r.raw.map((x) => x.cpuPerCall)).toFixed(0)} µs vs ${median(r.client.map((x) => x.cpuPerCall)).toFixed(0)} µs`,
    );
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
