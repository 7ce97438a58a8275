// A faithful local Sage X3 (REST api1 profile) for tests, demos and benchmarks: seeded folders
// ALDGATE and ALDTEST, OAuth2 / connected-app / basic auth, X3's quirks, fault injection, a
// request log and a web-service pool limit. See README.md beside this file.
import type { AddressInfo } from 'node:net';
import { AuthService } from './auth.js';
import { createClock, type SimulatorClock } from './clock.js';
import { shipOrder, type ShipmentRequest } from './delivery.js';
import { FaultSet, type FaultRule } from './faults.js';
import { storeOf, type Folder } from './folder.js';
import { RequestLog, type RequestLogEntry } from './request-log.js';
import { ALDGATE } from './seed-data.js';
import { ALDTEST } from './seed-data-test.js';
import { buildFolder } from './seed.js';
import { createSimulatorServer, type ServerContext } from './server.js';
import type { FolderSettings, SimulatorCredentials, X3Record } from './types.js';

export type { SimulatorClock } from './clock.js';
export type { FaultAction, FaultRule } from './faults.js';
export type { RequestLogEntry } from './request-log.js';
export type { ShipmentRequest } from './delivery.js';
export type {
  BasicUser,
  ConnectedApp,
  Diagnosis,
  FolderAuthModes,
  FolderSettings,
  OAuthClient,
  RefusalStyle,
  SimulatorCredentials,
  X3Record,
} from './types.js';

/** The demo credentials printed at start; every value can be overridden through options. */
export const DEMO_CREDENTIALS = {
  oauth2: { clientId: 'aldgate-integration', clientSecret: 'aldgate-demo-secret' },
  /** A valid client without rights on BPCUSTOMER (answers 403 there). */
  readOnly: {
    clientId: 'aldgate-readonly',
    clientSecret: 'aldgate-readonly-secret',
    deniedClasses: ['BPCUSTOMER'],
  },
  connectedApp: {
    clientId: 'aldgate-app',
    secret: 'aldgate-app-secret',
    user: 'WEBSVC',
    tokenValiditySeconds: 300,
  },
  basic: { user: 'WEBSVC', password: 'websvc' },
} as const;

export const SIMULATOR_FOLDERS = ['ALDGATE', 'ALDTEST'] as const;

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Multiplies generated data: ALDGATE has scale × 1,000 items and scale × 100 customers. */
  scale?: number;
  /** Largest page X3 answers, whatever `count` asks (default 100). */
  pageCap?: number;
  defaultPageSize?: number;
  /** Concurrent requests per folder before 503 "no web service channel available" (default 6). */
  poolSize?: number;
  tokenLifetimeSeconds?: number;
  credentials?: Partial<SimulatorCredentials>;
  /** Holds the clock at this instant (tests move it with `clock.advance`). */
  now?: Date | string | number;
  /** Require X-Sage-Folder on every api1 call. */
  strictFolderHeader?: boolean;
  /** Do not report internal errors on stderr. */
  quiet?: boolean;
  /** Per-folder settings (auth modes, SORDER create, refusal style, numeric strings). */
  folders?: Partial<Record<string, Partial<FolderSettings>>>;
  /** Origin used in `$links` and `Location` (default http://host:port). */
  publicUrl?: string;
  requestLogSize?: number;
  /** Seed of the fault rules' probability draws, for repeatable runs. */
  faultSeed?: number;
}

export interface Simulator {
  url: string;
  port: number;
  host: string;
  folders: readonly string[];
  clock: SimulatorClock;
  credentials: SimulatorCredentials;
  /** Require (or stop requiring) X-Sage-Folder on api1 calls. */
  setStrictFolderHeader(on: boolean): void;
  /** The live settings of a folder; changes apply to the next request. */
  settings(folder: string): FolderSettings;
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  /** Every stored record of a class (canonical form), for assertions in-process. */
  records(folder: string, cls: string): X3Record[];
  ship(folder: string, request: ShipmentRequest): X3Record;
  close(): Promise<void>;
}

function defaultCredentials(): SimulatorCredentials {
  return {
    clients: [
      { ...DEMO_CREDENTIALS.oauth2 },
      { ...DEMO_CREDENTIALS.readOnly, deniedClasses: [...DEMO_CREDENTIALS.readOnly.deniedClasses] },
    ],
    connectedApps: [{ ...DEMO_CREDENTIALS.connectedApp }],
    basicUsers: [{ ...DEMO_CREDENTIALS.basic }],
  };
}

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const scale = options.scale ?? 1;
  if (!(scale > 0)) throw new Error('scale must be greater than 0');
  const clock = createClock(options.now);
  const credentials = { ...defaultCredentials(), ...options.credentials };
  const folders = new Map<string, Folder>();
  for (const seed of [ALDGATE, ALDTEST]) {
    const settings = options.folders?.[seed.code];
    folders.set(seed.code, buildFolder(seed, { scale, ...(settings && { settings }) }));
  }
  let baseUrl = options.publicUrl ?? '';
  const faults = new FaultSet(options.faultSeed);
  const log = new RequestLog(options.requestLogSize);
  const auth = new AuthService(credentials, clock, options.tokenLifetimeSeconds ?? 300, () => baseUrl);
  const serverContext: ServerContext = {
    folders,
    auth,
    faults,
    log,
    clock,
    limits: { pageCap: options.pageCap ?? 100, defaultPageSize: options.defaultPageSize ?? 20 },
    poolSize: options.poolSize ?? 6,
    strictFolderHeader: options.strictFolderHeader ?? false,
    baseUrl: () => baseUrl,
    onError(err) {
      if (!options.quiet)
        process.stderr.write(
          `x3 simulator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
        );
    },
  };
  const server = createSimulatorServer(serverContext);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!baseUrl) baseUrl = url;
  const folder = (code: string): Folder => {
    const f = folders.get(code);
    if (!f) throw new Error(`no folder ${code}`);
    return f;
  };
  return {
    url,
    port,
    host,
    folders: [...folders.keys()],
    clock,
    credentials,
    setStrictFolderHeader(on) {
      serverContext.strictFolderHeader = on;
    },
    settings: (code) => folder(code).settings,
    setFaults(rules) {
      const problem = faults.set({ rules });
      if (problem) throw new Error(`bad fault rules: ${problem}`);
    },
    clearFaults: () => faults.clear(),
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    records: (code, cls) => [...storeOf(folder(code), cls).scan()].map((r) => structuredClone(r)),
    ship: (code, request) =>
      structuredClone(shipOrder({ folder: folder(code), now: clock.now(), user: 'ADMIN' }, request)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
