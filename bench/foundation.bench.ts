// Cost of the service foundation per request: an unauthenticated probe (/healthz), the same
// plus a database round trip (/readyz), and an authenticated call (/v1/me: key hash lookup and
// two reads), on embedded PGlite and on Postgres. Ratios are measured within one run.
import { createApp } from '../src/app.js';
import { createApiKey, createEnvironment } from '../src/environments/index.js';
import { openTestStore, testConfig } from '../src/db/test-support/stores.js';

const REQUESTS = 2000;
const CONCURRENCY = 16;

async function measure(url: string, headers: Record<string, string>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) {
        const res = await fetch(url, { headers });
        if (!res.ok) throw new Error(`${url} answered ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
  return REQUESTS / ((performance.now() - started) / 1000);
}

for (const kind of ['pglite', 'postgres'] as const) {
  const store = await openTestStore(kind);
  const app = await createApp(testConfig(), { store, jobs: false });
  const url = await app.start();
  const env = await createEnvironment(store.db, 'bench');
  const { key } = await createApiKey(store.db, env.id, 'bench');
  const auth = { authorization: `Bearer ${key}` };
  await measure(`${url}/healthz`, {}); // warm-up
  const health = await measure(`${url}/healthz`, {});
  const ready = await measure(`${url}/readyz`, {});
  const me = await measure(`${url}/v1/me`, auth);
  console.log(
    `${kind.padEnd(8)} /healthz ${health.toFixed(0)} req/s | /readyz ${ready.toFixed(0)} req/s ` +
      `(${(health / ready).toFixed(2)}x slower) | /v1/me ${me.toFixed(0)} req/s (${(health / me).toFixed(2)}x slower than /healthz)`,
  );
  await app.stop();
  await store.dispose();
}
