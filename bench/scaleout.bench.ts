// What sharing a connection's cap and token across processes costs each X3 call, on the
// machine's Postgres, measured in one run against the same simulator:
//
//   npx tsx bench/scaleout.bench.ts [--reads 2000] [--rounds 3]
//
// The simulator runs in this process; the figures to read are the ratios and the difference
// per call, not the absolute rates.
import { openStore } from '../src/db/index.js';
import { createTestDatabase, testConfig } from '../src/db/test-support/stores.js';
import { createEnvironment } from '../src/environments/environment.service.js';
import { createScaleoutCoordination, createSharedSlots } from '../src/scaleout/index.js';
import { createVault } from '../src/secrets/index.js';
import { createSimulator, DEMO_CREDENTIALS } from '../src/simulator/index.js';
import { createX3Client, type X3Client, type X3Hooks } from '../src/x3/index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const READS = arg('reads', 2000);
const ROUNDS = arg('rounds', 3);
const CONCURRENCY = 4;

const database = await createTestDatabase();
const config = testConfig({ databaseUrl: database.url });
const store = await openStore(config, { migrate: true, command: 'bench' });
const simulator = await createSimulator({ port: 0, quiet: true, poolSize: 64 });
try {
  const vault = await createVault(config);
  const env = await createEnvironment(store.db, 'bench', 'bench');
  await store.executeSql(
    `insert into connections (id, environment_id, name, base_url, folder, auth_type, client_id_hint, credentials_sealed, status)
     values ('conn_bench', $1, 'bench', $2, 'ALDGATE', 'client_credentials', 'x', 'sealed', 'active')`,
    [env.id, simulator.url],
  );
  const coordination = createScaleoutCoordination(store.db, vault, { kind: 'postgres' });
  const hooks = (await coordination.hooksFor(
    { id: 'conn_bench', settings: { concurrency: CONCURRENCY } },
    'sealed',
  )) as X3Hooks;
  const client = (shared?: X3Hooks) =>
    createX3Client({
      baseUrl: simulator.url,
      folder: 'ALDGATE',
      auth: { type: 'client_credentials', ...DEMO_CREDENTIALS.oauth2 },
      limits: { maxConcurrent: CONCURRENCY },
      ...(shared ? { hooks: shared } : {}),
    });
  const alone = client();
  const sharing = client(hooks);

  async function readsPerSecond(x3: X3Client): Promise<number> {
    let left = READS;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (left-- > 0) await x3.customers.get('C0001');
      }),
    );
    return READS / ((performance.now() - started) / 1000);
  }

  // Without hand-over: each pair is two statements, as when calls do not follow each other.
  const bare = createSharedSlots(store.db, { reuse: 0 });
  async function slotPairsPerSecond(): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < READS; i++) {
      const release = await bare.acquire('conn_bench', CONCURRENCY);
      release();
      await bare.flush();
    }
    return READS / ((performance.now() - started) / 1000);
  }

  // Warm both: tokens minted, sockets open, statements planned.
  await alone.customers.get('C0001');
  await sharing.customers.get('C0001');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const a: number[] = [];
  const s: number[] = [];
  const p: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await readsPerSecond(alone));
    s.push(await readsPerSecond(sharing));
    p.push(await slotPairsPerSecond());
  }
  const ra = median(a);
  const rs = median(s);
  const perCallMs = (CONCURRENCY * (1 / rs - 1 / ra) * 1000).toFixed(3);
  console.log(`X3 reads, ${CONCURRENCY} at once, median of ${ROUNDS} rounds of ${READS}:`);
  console.log(`  client alone                      ${ra.toFixed(0)} reads/s`);
  console.log(
    `  client sharing cap and token      ${rs.toFixed(0)} reads/s  (ratio ${(rs / ra).toFixed(2)})`,
  );
  console.log(`  added per call (wall, at ${CONCURRENCY} in flight) ${perCallMs} ms`);
  console.log(
    `slot take + release through the table, one at a time: ${(1000 / median(p)).toFixed(3)} ms per pair`,
  );
  await alone.close();
  await sharing.close();
  coordination.close();
  bare.close();
} finally {
  await simulator.close();
  await store.close();
  await database.drop();
}
