import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../app.js';
import { openTestStore, testBackends } from '../db/test-support/stores.js';
import { demoConfigOverrides, startDemo, type Demo } from './demo.js';

describe.each(testBackends)('demo tenant on %s', (kind) => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let app: App;
  let url: string;
  const demos: Demo[] = [];

  beforeAll(async () => {
    store = await openTestStore(kind);
    app = await createApp({ ...store.config, ...demoConfigOverrides(store.config) }, { store, jobs: false });
    url = await app.start();
  });
  afterAll(async () => {
    for (const d of demos) await d.stop();
    await app?.stop();
    await store?.dispose();
  });

  const get = (key: string, path: string) =>
    fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('connects Aldgate through the wizard, and starts afresh on restart with a fresh key', async () => {
    const first = await startDemo(app.deps);
    demos.push(first);
    expect(first.connection.status).toBe('active');
    expect(first.connection.baseUrl).toBe(first.simulator.url);
    expect((await get(first.apiKey, `/v1/connections/${first.connectionId}/customers/C0001`)).status).toBe(
      200,
    );
    // Mappings made on the first run belong to the tenant that goes away with its simulator.
    const mapped = await fetch(`${url}/v1/connections/${first.connectionId}/mappings/products`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${first.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ productCode: 'BOX-S-200', itemRef: 'BOX-S-200' }]),
    });
    expect(mapped.status).toBe(200);
    await first.stop();

    const second = await startDemo(app.deps);
    demos.push(second);
    expect(second.connectionId).not.toBe(first.connectionId);
    expect(second.environmentId).toBe(first.environmentId);
    expect(second.connection.baseUrl).toBe(second.simulator.url);
    expect((await get(first.apiKey, '/v1/connections')).status).toBe(401);
    const list = await get(second.apiKey, '/v1/connections');
    const body = (await list.json()) as { data: Array<{ id: string; status: string }> };
    expect(body.data.map((c) => c.id)).toEqual([second.connectionId]);
    expect(body.data[0]?.status).toBe('active');
    const mappings = await get(second.apiKey, `/v1/connections/${second.connectionId}/mappings/products`);
    expect(((await mappings.json()) as { data: unknown[] }).data).toEqual([]);
    expect((await get(second.apiKey, `/v1/connections/${second.connectionId}/customers/C0001`)).status).toBe(
      200,
    );
  });
});

describe('demo without the allowlist', () => {
  it('says which setting is missing', async () => {
    const store = await openTestStore('pglite');
    const app = await createApp(store.config, { store, jobs: false });
    try {
      await expect(startDemo(app.deps)).rejects.toThrow(/X3BRIDGE_ALLOW_PRIVATE_HOSTS/);
    } finally {
      await app.stop();
      await store.dispose();
    }
  });
});
