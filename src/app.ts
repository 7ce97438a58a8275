import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Dispatcher } from 'undici';
import type { AppConfig } from './config.js';
import type { X3Access } from './connections/connection.check.js';
import type { ConnectionClients } from './connections/connection.clients.js';
import { openStore, type Store } from './db/index.js';
import { createEgressGuard } from './egress/index.js';
import { registerAuth } from './http/auth.js';
import { registerJsonBodyParser } from './http/json-body.js';
import { OneLineRequestLog } from './http/request-log.js';
import { registerErrorHandling } from './http/error-handler.js';
import { registerOpenApi } from './http/openapi.js';
import { operationsRoutes } from './http/operations.routes.js';
import { routePlugins } from './http/routes.js';
import { registerStatic, WEB_DIST } from './http/static.js';
import { createJobs, type Jobs } from './jobs/index.js';
import { createLogger, createMetrics, type Logger, type Metrics } from './observability/index.js';
import { createVault, type Vault } from './secrets/index.js';

export interface AppDeps {
  config: AppConfig;
  store: Store;
  vault: Vault;
  log: Logger;
  metrics: Metrics;
  jobs: Jobs;
  connections: ConnectionClients;
}

export interface CreateAppOptions {
  /** A store opened by the caller (tests share one per file); the app then leaves it open on stop. */
  store?: Store;
  logStream?: Writable;
  /** Routes every X3 call through this dispatcher (tests). */
  x3Dispatcher?: Dispatcher;
  /** Where the admin UI's built files are (default: web/dist of the package). */
  webRoot?: string;
  /** Start pg-boss with the server (default true). */
  jobs?: boolean;
  /** How long stop() lets running requests finish before cutting their connections (default 10 s). */
  drainTimeoutMs?: number;
  /** Request body limit in bytes (default 1 MiB). */
  bodyLimit?: number;
}

export interface App {
  server: FastifyInstance;
  deps: AppDeps;
  /** The URL the server listens at, once started. */
  url: string | null;
  start(): Promise<string>;
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Connection clients load the X3 client stack on first use: commands and processes that never
 * call X3 do not pay for it.
 */
function lazyConnectionClients(
  access: X3Access,
  build: (access: X3Access) => Promise<ConnectionClients>,
): ConnectionClients {
  let real: Promise<ConnectionClients> | null = null;
  const get = () => (real ??= build(access));
  return {
    access,
    async get(environmentId, connectionId) {
      return (await get()).get(environmentId, connectionId);
    },
    invalidate(connectionId) {
      void real?.then((c) => c.invalidate(connectionId));
    },
    async closeAll() {
      if (real) await (await real).closeAll();
    },
  };
}

/** The composition root: every dependency built once, the HTTP server, and start/stop. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<App> {
  const log = createLogger({
    level: config.logLevel,
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  const ownsStore = !options.store;
  const store = options.store ?? (await openStore(config, { command: 'x3bridge serve' }));
  try {
    const vault = await createVault(config, log);
    const metrics = createMetrics();
    const jobs = createJobs(config, store, log);
    const access: X3Access = {
      guard: createEgressGuard({ allowPrivateHosts: config.allowPrivateHosts }),
      ...(options.x3Dispatcher ? { dispatcher: options.x3Dispatcher } : {}),
    };
    const connections = lazyConnectionClients(access, async (a) => {
      const { createConnectionClients } = await import('./connections/connection.clients.js');
      return createConnectionClients({ db: store.db, vault, access: a });
    });
    const deps: AppDeps = { config, store, vault, log, metrics, jobs, connections };

    const server = Fastify({
      loggerInstance: log as FastifyBaseLogger,
      logController: new OneLineRequestLog(),
      bodyLimit: options.bodyLimit ?? 1024 * 1024,
      requestIdHeader: false,
      genReqId: (req) => {
        const incoming = req.headers['x-request-id'];
        return typeof incoming === 'string' && REQUEST_ID.test(incoming)
          ? incoming
          : `req_${randomBytes(9).toString('base64url')}`;
      },
      // Idle keep-alive sockets close at once on stop; in-flight requests get to finish.
      forceCloseConnections: 'idle',
      routerOptions: { ignoreTrailingSlash: true },
    });
    registerJsonBodyParser(server);
    server.setValidatorCompiler(validatorCompiler);
    server.setSerializerCompiler(serializerCompiler);
    let shuttingDown = false;
    server.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
    // A request still running when stop begins ends its keep-alive socket with its answer, so
    // closing the server does not wait for the client's idle connection to time out.
    server.addHook('onSend', async (_request, reply) => {
      if (shuttingDown) reply.header('connection', 'close');
    });
    server.addHook('onResponse', async (request, reply) => {
      metrics.httpRequestDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    const usage = registerAuth(server, store.db);
    // A worker-only process answers the probes and metrics, not the API.
    const servesApi = config.role !== 'worker';
    if (servesApi) await registerOpenApi(server, { version: packageVersion(), publicUrl: config.publicUrl });
    const spaFallback = servesApi ? await registerStatic(server, options.webRoot ?? WEB_DIST) : null;
    registerErrorHandling(server, { spaFallback });
    const api = server.withTypeProvider<ZodTypeProvider>();
    await operationsRoutes(api, deps);
    if (servesApi) for (const plugin of routePlugins) await plugin(api, deps);
    await server.ready();

    const app: App = {
      server,
      deps,
      url: null,
      async start() {
        if (options.jobs ?? true) await jobs.start();
        const address = await server.listen({ port: config.port, host: config.host });
        const url = new URL(address);
        app.url = `${url.protocol}//${url.host}`;
        store.lock?.update({ url: app.url });
        return app.url;
      },
      stop: (() => {
        let stopping: Promise<void> | null = null;
        return () =>
          (stopping ??= (async () => {
            // Stop accepting and let running requests finish, then the background work, then the store.
            shuttingDown = true;
            const forceClose = setTimeout(
              () => server.server.closeAllConnections(),
              options.drainTimeoutMs ?? 10_000,
            );
            forceClose.unref();
            try {
              await server.close();
            } finally {
              clearTimeout(forceClose);
            }
            await usage.flush();
            await jobs.stop();
            await connections.closeAll();
            if (ownsStore) await store.close();
          })());
      })(),
    };
    return app;
  } catch (err) {
    if (ownsStore) await store.close();
    throw err;
  }
}
