import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { App } from '../app.js';
import { loadConfig, ROLES, type AppConfig } from '../config.js';
import type { Demo } from '../connections/demo.js';
import { WEB_DIST } from '../http/static.js';
import { out, type CliIo } from './migrate.command.js';

// The demo's simulator listens on loopback, which the egress guard refuses unless allowed; set
// before the app (and its guard) is built.
const DEMO_PRIVATE_HOSTS = ['127.0.0.1', 'localhost'];

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
): Promise<{ app: App; url: string; demo: Demo | null; stop(): Promise<void> }> {
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
    // The demo is read by a person at a terminal: warnings only, unless LOG_LEVEL says otherwise.
    ...(demoMode && !base.logLevelGiven ? { logLevel: 'warn' } : {}),
  });
  // Loaded here, not at the top: every other command (and --help) starts without the server.
  const { createApp } = await import('../app.js');
  const app = await createApp(config);
  let demo: Demo | null = null;
  try {
    const url = await app.start();
    if (demoMode) {
      // Loaded only in demo mode: it brings the simulator with it.
      const { startDemo } = await import('../connections/demo.js');
      demo = await startDemo(app.deps);
    }
    const database = app.deps.store.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'Postgres';
    print(`x3bridge listening at ${url} (role ${config.role}, ${database})`);
    if (config.role === 'worker') {
      print(`  probes and metrics only: ${url}/healthz, ${url}/readyz, ${url}/metrics`);
    } else {
      print(`  API reference  ${url}/docs`);
      print(`  OpenAPI        ${url}/openapi.json`);
      if (existsSync(join(WEB_DIST, 'index.html'))) print(`  admin UI       ${url}/`);
    }
    if (demo) {
      print('');
      print(`Demo: X3 simulator at ${demo.simulatorUrl}, Aldgate connection ${demo.connectionId}.`);
      print(`Demo API key (a new one at each start): ${demo.apiKey}`);
      if (!base.logLevelGiven)
        print('Logs: warnings only in demo mode (LOG_LEVEL=info shows every request).');
      // The key travels in the URL fragment, which browsers never send to a server.
      if (existsSync(join(WEB_DIST, 'index.html')) && config.role !== 'worker') {
        print(`Admin UI, signed in: ${url}/#key=${encodeURIComponent(demo.apiKey)}`);
      }
      print(
        `Try: curl -H "Authorization: Bearer ${demo.apiKey}" ${url}/v1/connections/${demo.connectionId}/customers`,
      );
    }
    let stopping: Promise<void> | null = null;
    const started = demo;
    const stop = () =>
      (stopping ??= (async () => {
        await app.stop();
        await started?.stop();
      })());
    return { app, url, demo, stop };
  } catch (err) {
    await app.stop();
    await demo?.stop();
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
