import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createApp, type App, type AppDeps } from '../app.js';
import { loadConfig, ROLES, type AppConfig } from '../config.js';
import { createApiKey, ensureEnvironment } from '../environments/index.js';
import { WEB_DIST } from '../http/static.js';
import { out, type CliIo } from './migrate.command.js';

/** What `src/connections/demo.ts` provides: the simulator in-process and the Aldgate connection. */
interface DemoHandle {
  simulatorUrl: string;
  connectionId: string;
  environmentId?: string;
  stop?(): Promise<void>;
  close?(): Promise<void>;
}
interface DemoModule {
  startDemo(deps: AppDeps): Promise<DemoHandle>;
}

const DEMO_ENVIRONMENT = 'demo';
// The demo's simulator listens on loopback, which the egress guard refuses unless allowed.
const DEMO_PRIVATE_HOSTS = ['127.0.0.1', 'localhost', '::1'];

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port number from 0 to 65535');
  return n;
}

export interface ServeOptions {
  port?: number;
  host?: string;
  demo?: boolean;
  role?: AppConfig['role'];
}

/** Starts the server (and the demo when asked); resolves with a stop function that runs once. */
export async function serve(
  opts: ServeOptions,
  io: CliIo = {},
): Promise<{
  app: App;
  url: string;
  demo: DemoHandle | null;
  demoKey: string | null;
  stop(): Promise<void>;
}> {
  const print = out(io);
  const base = loadConfig(io.env, { port: opts.port, host: opts.host, role: opts.role });
  const demoMode = opts.demo ?? base.demo;
  const config = loadConfig(io.env, {
    port: opts.port,
    host: opts.host,
    role: opts.role,
    demo: demoMode,
    ...(demoMode
      ? { allowPrivateHosts: [...new Set([...base.allowPrivateHosts, ...DEMO_PRIVATE_HOSTS])] }
      : {}),
  });
  const app = await createApp(config);
  let demo: DemoHandle | null = null;
  let demoKey: string | null = null;
  try {
    const url = await app.start();
    if (demoMode) {
      // A variable specifier: the demo module loads (with the simulator) only in demo mode.
      const specifier = '../connections/demo.js';
      const { startDemo } = (await import(specifier)) as DemoModule;
      demo = await startDemo(app.deps);
      const db = app.deps.store.db;
      const environmentId =
        demo.environmentId ?? (await ensureEnvironment(db, DEMO_ENVIRONMENT, 'demo')).environment.id;
      demoKey = (await createApiKey(db, environmentId, 'demo', 'demo')).key;
    }
    print(
      `x3bridge listening at ${url} (role ${config.role}, ${app.deps.store.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'Postgres'})`,
    );
    print(`  API reference  ${url}/docs`);
    print(`  OpenAPI        ${url}/openapi.json`);
    if (existsSync(join(WEB_DIST, 'index.html'))) print(`  admin UI       ${url}/`);
    if (demo && demoKey) {
      print('');
      print(
        `Demo: X3 simulator at ${demo.simulatorUrl}, connection ${demo.connectionId} (Aldgate, folder ALDGATE).`,
      );
      print(`Demo API key (shown once): ${demoKey}`);
      print(
        `Try: curl -H "Authorization: Bearer ${demoKey}" ${url}/v1/connections/${demo.connectionId}/customers`,
      );
    }
    let stopping: Promise<void> | null = null;
    const stop = () =>
      (stopping ??= (async () => {
        await app.stop();
        await (demo?.stop ?? demo?.close)?.call(demo);
      })());
    return { app, url, demo, demoKey, stop };
  } catch (err) {
    await app.stop();
    throw err;
  }
}

export function registerServeCommand(program: Command, io: CliIo = {}): void {
  program
    .command('serve')
    .description('Run the HTTP API and the job workers (migrations run at start).')
    .option('-p, --port <port>', 'port to listen on (default X3BRIDGE_PORT or 3000; 0 picks one)', port)
    .option('--host <host>', 'address to listen on (default X3BRIDGE_HOST or 127.0.0.1)')
    .option('--demo', 'also start the X3 simulator and connect the Aldgate demo tenant')
    .addOption(
      new Option('--role <role>', 'all: API and workers; api: API only; worker: jobs only').choices([
        ...ROLES,
      ]),
    )
    .action(async (opts: ServeOptions) => {
      const print = out(io);
      const running = await serve(opts, io);
      await new Promise<void>((resolve) => {
        let signals = 0;
        const onSignal = (signal: NodeJS.Signals) => {
          signals++;
          if (signals > 1) {
            print(`${signal} again: exiting without waiting.`);
            process.exit(1);
          }
          print(`${signal}: finishing running requests and jobs, then exiting…`);
          running.stop().then(resolve, (err: unknown) => {
            process.stderr.write(
              `x3bridge: stop failed: ${err instanceof Error ? err.message : String(err)}\n`,
            );
            process.exit(1);
          });
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
    });
}
