import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from './app.js';
import { openTestStore, testBackends, testConfig } from './db/test-support/stores.js';
import type { Store } from './db/index.js';
import { createApiKey, createEnvironment, revokeApiKey } from './environments/index.js';

describe.each(testBackends)('app on %s', (kind) => {
  let store: Store & { dispose(): Promise<void> };
  let app: App;
  let url: string;
  const logs: string[] = [];
  let keyA: string;
  let keyAId: string;
  let keyB: string;
  let webRoot: string;

  beforeAll(async () => {
    store = await openTestStore(kind);
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    webRoot = mkdtempSync(join(tmpdir(), 'x3b-web-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>x3bridge admin</title>');
    writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log(1)');
    app = await createApp(testConfig({ logLevel: 'info' }), { store, logStream, jobs: false, webRoot });
    url = await app.start();
    const envA = await createEnvironment(store.db, `env-a-${kind}`);
    const envB = await createEnvironment(store.db, `env-b-${kind}`);
    ({
      key: keyA,
      apiKey: { id: keyAId },
    } = await createApiKey(store.db, envA.id, 'a'));
    ({ key: keyB } = await createApiKey(store.db, envB.id, 'b'));
  });
  afterAll(async () => {
    await app?.stop();
    await store?.dispose();
    rmSync(webRoot, { recursive: true, force: true });
  });

  const get = (path: string, key?: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

  it('answers /healthz and /readyz', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(health.headers.get('x-request-id')).toMatch(/^req_/);
    const ready = await get('/readyz');
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('echoes a well-formed request id and replaces a hostile one', async () => {
    expect(
      (await get('/healthz', undefined, { 'x-request-id': 'abc-123' })).headers.get('x-request-id'),
    ).toBe('abc-123');
    expect(
      (await get('/healthz', undefined, { 'x-request-id': 'a b\tc' })).headers.get('x-request-id'),
    ).toMatch(/^req_/);
  });

  it('refuses /v1 calls without a valid key in the error shape', async () => {
    for (const [key, pattern] of [
      [undefined, /Authorization header/],
      ['x3b_live_notarealkey', /not valid/],
      [`x3b_live_${'A'.repeat(43)}`, /not valid/],
    ] as const) {
      const res = await get('/v1/me', key);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.message).toMatch(pattern);
    }
    const basic = await fetch(`${url}/v1/me`, { headers: { authorization: 'Basic dTpw' } });
    expect(basic.status).toBe(401);
    // A stranger learns nothing about which /v1 paths exist.
    expect((await get('/v1/does-not-exist')).status).toBe(401);
    // Percent-escapes reach the same route, so they get the same check.
    expect((await get('/%761/me')).status).toBe(401);
    expect((await get('/v1/me/')).status).toBe(401);
  });

  it('shows each key its own environment only', async () => {
    const a = (await (await get('/v1/me', keyA)).json()) as {
      environment: { name: string };
      apiKey: { prefix: string };
    };
    const b = (await (await get('/v1/me', keyB)).json()) as { environment: { name: string } };
    expect(a.environment.name).toBe(`env-a-${kind}`);
    expect(b.environment.name).toBe(`env-b-${kind}`);
    expect(a.apiKey.prefix).toBe(`${keyA.slice(0, 15)}…`);
    expect(JSON.stringify(a)).not.toContain(keyA);
  });

  it('answers an unknown authenticated route with 404 in the error shape', async () => {
    const res = await get('/v1/does-not-exist', keyA);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('refuses a revoked key', async () => {
    const env = await createEnvironment(store.db, `env-revoke-${kind}`);
    const { key, apiKey } = await createApiKey(store.db, env.id, 'short-lived');
    expect((await get('/v1/me', key)).status).toBe(200);
    expect(await revokeApiKey(store.db, apiKey.id)).toBe(true);
    const res = await get('/v1/me', key);
    expect(res.status).toBe(401);
  });

  it('records when a key was last used', async () => {
    await get('/v1/me', keyA);
    await app.deps.store.db.selectFrom('api_keys').select('id').execute();
    let row: { last_used_at: Date | null } | undefined;
    for (let i = 0; i < 50 && !row?.last_used_at; i++) {
      row = await store.db
        .selectFrom('api_keys')
        .select('last_used_at')
        .where('id', '=', keyAId)
        .executeTakeFirst();
    }
    expect(row?.last_used_at).toBeInstanceOf(Date);
  });

  it('publishes a valid OpenAPI 3.1 document with bearer auth', async () => {
    const doc = (await (await get('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.paths['/v1/me']).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('renders the reference at /docs', async () => {
    const res = await fetch(`${url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('swagger');
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn)/);
  });

  it('serves the admin UI with a fallback to index.html for client-side routes', async () => {
    const html = { accept: 'text/html,application/xhtml+xml' };
    const root = await get('/', undefined, html);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('x3bridge admin');
    expect(await (await get('/assets/app.js')).text()).toBe('console.log(1)');
    const deep = await get('/connections/conn_123/orders', undefined, html);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('x3bridge admin');
    const missingAsset = await get('/assets/missing.js', undefined, html);
    expect(missingAsset.status).toBe(404);
    expect(((await missingAsset.json()) as { error: { code: string } }).error.code).toBe('not_found');
    // API paths never fall back to the UI.
    expect((await get('/v1/nothing', keyA, html)).status).toBe(404);
    expect((await get('/v1/nothing', undefined, html)).status).toBe(401);
  });

  it('exposes request durations by route at /metrics', async () => {
    await get('/healthz');
    const text = await (await get('/metrics')).text();
    expect(text).toMatch(
      /x3bridge_http_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*status_code="200"/,
    );
  });

  it('never writes an API key or authorization header to the log', async () => {
    await get('/v1/me', keyA);
    await get('/v1/me', keyB);
    const all = logs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(keyA);
    expect(all).not.toContain(keyB);
    expect(all.toLowerCase()).not.toContain('bearer x3b_live_');
  });
});

describe('graceful stop', () => {
  it('lets a running request finish before stop resolves, then refuses new ones', async () => {
    let onIncoming: (() => void) | null = null;
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        const line = chunk.toString();
        if (line.includes('incoming request') && line.includes('/readyz')) onIncoming?.();
        done();
      },
    });
    // A store the app does not own: nothing but the server's draining can hold stop() back.
    const store = await openTestStore('pglite');
    // Debug level: the "incoming request" line tells that the request reached the server.
    const app = await createApp(testConfig({ logLevel: 'debug' }), { store, logStream });
    const url = await app.start();
    let release!: () => void;
    try {
      // Hold the database so /readyz is still running when stop begins.
      const held = new Promise<void>((r) => (release = r));
      let holding!: () => void;
      const isHolding = new Promise<void>((r) => (holding = r));
      const tx = store.db.transaction().execute(async () => {
        holding();
        await held;
      });
      await isHolding;
      const events: string[] = [];
      const routed = new Promise<void>((r) => (onIncoming = r));
      const inFlight = fetch(`${url}/readyz`).then(async (res) => {
        events.push(`response ${res.status}`);
        return res;
      });
      await routed;
      const stopping = app.stop().then(() => events.push('stopped'));
      // Let stop run as far as it can on its own before the request may finish.
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      expect(events).toEqual([]);
      release();
      await tx;
      await Promise.all([inFlight, stopping]);
      expect(events).toEqual(['response 200', 'stopped']);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      release?.();
      await app.stop();
      await store.dispose();
    }
  });
});
