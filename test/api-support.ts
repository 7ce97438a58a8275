import { createServer } from 'node:net';
import type { Writable } from 'node:stream';
import { createApp, type App } from '../src/app.js';
import type { AppConfig } from '../src/config.js';
import { openTestStore } from '../src/db/test-support/stores.js';
import { createApiKey, createEnvironment } from '../src/environments/environment.service.js';
import { createSimulator, DEMO_CREDENTIALS } from '../src/simulator/index.js';

export const DEMO_CLIENT = { ...DEMO_CREDENTIALS.oauth2 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export type Call = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiAnswer>;

export interface ApiFixture {
  app: App;
  url: string;
  simulator: Awaited<ReturnType<typeof createSimulator>>;
  store: Awaited<ReturnType<typeof openTestStore>>;
  config: AppConfig;
  /** Calls as environment A; `callAs(key)` for another one. */
  call: Call;
  callB: Call;
  keyA: string;
  keyB: string;
  /** Every response text seen, for leak checks. */
  responses: string[];
  connectionBody(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** A port on 127.0.0.1 where nothing listens. */
  closedPort(): Promise<number>;
  close(): Promise<void>;
}

export async function startApiFixture(
  kind: 'pglite' | 'postgres',
  opts: { logStream?: Writable } = {},
): Promise<ApiFixture> {
  const simulator = await createSimulator({ port: 0, quiet: true });
  const store = await openTestStore(kind);
  const config: AppConfig = { ...store.config, allowPrivateHosts: ['127.0.0.1'] };
  const app = await createApp(config, { store, ...(opts.logStream ? { logStream: opts.logStream } : {}) });
  const url = await app.start();
  const envA = await createEnvironment(store.db, `a-${kind}`, 'test');
  const envB = await createEnvironment(store.db, `b-${kind}`, 'test');
  const keyA = (await createApiKey(store.db, envA.id, 'test', 'test')).key;
  const keyB = (await createApiKey(store.db, envB.id, 'test', 'test')).key;
  const responses: string[] = [];

  const callAs =
    (key: string): Call =>
    async (method, path, body, headers = {}) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      responses.push(text);
      return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
    };

  return {
    app,
    url,
    simulator,
    store,
    config,
    call: callAs(keyA),
    callB: callAs(keyB),
    keyA,
    keyB,
    responses,
    connectionBody(overrides = {}) {
      return {
        name: 'Aldgate Packaging Solutions',
        baseUrl: simulator.url,
        folder: 'ALDGATE',
        auth: { type: 'client_credentials', ...DEMO_CLIENT },
        ...overrides,
      };
    },
    async closedPort() {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    },
    async close() {
      await app.stop();
      await simulator.close();
      await store.dispose();
    },
  };
}
