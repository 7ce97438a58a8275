import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../app.js';
import type { Store } from '../db/index.js';
import { openTestStore, testBackends, testConfig } from '../db/test-support/stores.js';
import { API_KEY_CACHE_TTL_MS } from '../environments/api-key-cache.js';
import { createApiKey, createEnvironment, revokeApiKey } from '../environments/index.js';
import { registerAuth } from './auth.js';
import { registerErrorHandling } from './error-handler.js';

describe.each(testBackends)('API key auth on %s', (kind) => {
  let store: Store & { dispose(): Promise<void> };
  let envId: string;
  // A bare server with only the auth hook and one route, on a clock the tests move.
  let bare: FastifyInstance;
  let bareUrl: string;
  let usage: { flush(): Promise<void> };
  let clock = Date.UTC(2026, 0, 1);
  // The whole app, as served.
  let app: App;
  let appUrl: string;

  beforeAll(async () => {
    store = await openTestStore(kind);
    envId = (await createEnvironment(store.db, `auth-${kind}`)).id;
    bare = Fastify();
    usage = registerAuth(bare, store.db, { now: () => clock });
    registerErrorHandling(bare);
    bare.get('/v1/whoami', async (request) => request.auth);
    bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
    app = await createApp(testConfig(), { store, jobs: false });
    appUrl = await app.start();
  });
  afterAll(async () => {
    await bare?.close();
    await app?.stop();
    await store?.dispose();
  });

  const call = (base: string, path: string, key: string) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });

  /** Revokes the row the way another process would: no word reaches this process's caches. */
  const revokeElsewhere = (id: string) =>
    store.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).execute();

  it('accepts a key revoked by another process until its cached lookup expires', async () => {
    const { key, apiKey } = await createApiKey(store.db, envId, 'cached');
    const first = await call(bareUrl, '/v1/whoami', key);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ environmentId: envId, apiKeyId: apiKey.id });
    await revokeElsewhere(apiKey.id);
    clock += API_KEY_CACHE_TTL_MS - 1;
    expect((await call(bareUrl, '/v1/whoami', key)).status).toBe(200);
    clock += 1;
    const refused = await call(bareUrl, '/v1/whoami', key);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('refuses a key revoked in this process at once, on the bare server and on the app', async () => {
    const { key, apiKey } = await createApiKey(store.db, envId, 'revoked here');
    expect((await call(bareUrl, '/v1/whoami', key)).status).toBe(200);
    expect((await call(appUrl, '/v1/me', key)).status).toBe(200);
    expect(await revokeApiKey(store.db, apiKey.id)).toBe(true);
    expect((await call(bareUrl, '/v1/whoami', key)).status).toBe(401);
    expect((await call(appUrl, '/v1/me', key)).status).toBe(401);
  });

  it('lets a revocation here cut off a key that another process revoked first', async () => {
    const { key, apiKey } = await createApiKey(store.db, envId, 'revoked twice');
    expect((await call(bareUrl, '/v1/whoami', key)).status).toBe(200);
    await revokeElsewhere(apiKey.id);
    expect((await call(bareUrl, '/v1/whoami', key)).status).toBe(200);
    expect(await revokeApiKey(store.db, apiKey.id)).toBe(false);
    expect((await call(bareUrl, '/v1/whoami', key)).status).toBe(401);
  });

  it('writes last_used_at at most once a minute per key', async () => {
    const { key, apiKey } = await createApiKey(store.db, envId, 'usage');
    const lastUsed = async () => {
      await usage.flush();
      const row = await store.db
        .selectFrom('api_keys')
        .select('last_used_at')
        .where('id', '=', apiKey.id)
        .executeTakeFirstOrThrow();
      return row.last_used_at?.getTime() ?? null;
    };
    expect(await lastUsed()).toBeNull();
    const firstAt = clock;
    expect((await call(bareUrl, '/v1/whoami', key)).status).toBe(200);
    expect(await lastUsed()).toBe(firstAt);
    clock += 59_000;
    expect((await call(bareUrl, '/v1/whoami', key)).status).toBe(200);
    expect(await lastUsed()).toBe(firstAt);
    clock += 1_000;
    expect((await call(bareUrl, '/v1/whoami', key)).status).toBe(200);
    expect(await lastUsed()).toBe(firstAt + 60_000);
  });

  it('looks up an unknown key every time, so a key made after a refusal works at once', async () => {
    expect((await call(bareUrl, '/v1/whoami', 'x3b_live_' + 'A'.repeat(43))).status).toBe(401);
    const { key } = await createApiKey(store.db, envId, 'fresh');
    expect((await call(bareUrl, '/v1/whoami', key)).status).toBe(200);
  });
});
