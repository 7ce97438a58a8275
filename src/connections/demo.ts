import type { AppDeps } from '../app.js';
import type { AppConfig } from '../config.js';
import { EgressError } from '../egress/index.js';
import {
  createApiKey,
  ensureEnvironment,
  listApiKeys,
  revokeApiKey,
} from '../environments/environment.service.js';
import { createSimulator, DEMO_CREDENTIALS, type Simulator } from '../simulator/index.js';
import type { Connection } from './connection.js';
import { deleteConnection, findConnectionByExternalId } from './connection.repository.js';
import { connectionServiceDeps } from './connection.routes.js';
import { createConnection } from './connection.service.js';

export const DEMO_ENVIRONMENT = 'demo';
export const DEMO_EXTERNAL_ID = 'aldgate-demo';
export const DEMO_KEY_NAME = 'demo';
/** The in-process simulator listens on loopback, which the egress guard refuses unless allowed. */
export const DEMO_PRIVATE_HOSTS = ['127.0.0.1'];

/** Config overrides for a process that runs the demo (flags, never the environment). */
export function demoConfigOverrides(config: Pick<AppConfig, 'allowPrivateHosts'>): Partial<AppConfig> {
  return { allowPrivateHosts: [...new Set([...config.allowPrivateHosts, ...DEMO_PRIVATE_HOSTS])] };
}

export interface Demo {
  simulator: Simulator;
  connection: Connection;
  /** Minted at this start; the demo keys of earlier starts are revoked. */
  apiKey: string;
  environmentId: string;
  simulatorUrl: string;
  connectionId: string;
  /** Stops the simulator (the app is the caller's to stop). */
  stop(): Promise<void>;
}

/**
 * Starts the X3 simulator in-process and connects the Aldgate tenant in the `demo` environment
 * through the wizard's own code path. On a restart the demo connection is made afresh (its
 * quotes and mappings with it: the new simulator has none of their orders); a fresh API key is
 * minted each start and the earlier
 * demo keys are revoked, so keys never pile up and none is stored in a readable form.
 */
export async function startDemo(deps: AppDeps, options: { simulatorPort?: number } = {}): Promise<Demo> {
  const simulator = await createSimulator({ port: options.simulatorPort ?? 0, quiet: true });
  try {
    try {
      await deps.connections.access.guard.check(simulator.url);
    } catch (err) {
      if (err instanceof EgressError) {
        throw new Error(
          `the demo's X3 simulator at ${simulator.url} is not allowed by X3BRIDGE_ALLOW_PRIVATE_HOSTS: ` +
            'start the app with demoConfigOverrides(config) applied',
          { cause: err },
        );
      }
      throw err;
    }
    const db = deps.store.db;
    const { environment } = await ensureEnvironment(db, DEMO_ENVIRONMENT, 'demo');
    const who = { environmentId: environment.id, actor: 'demo' };
    const svc = connectionServiceDeps(deps);

    // The simulator keeps nothing between starts, so the demo tenant starts fresh too: an
    // earlier demo connection goes, with its quotes and mappings, rather than pointing at
    // orders this X3 never had.
    const existing = await findConnectionByExternalId(db, environment.id, DEMO_EXTERNAL_ID);
    if (existing) {
      await deleteConnection(db, environment.id, existing.id);
      deps.connections.invalidate(existing.id);
    }
    const { connection } = await createConnection(svc, who, {
      name: 'Aldgate Packaging Solutions (demo)',
      externalId: DEMO_EXTERNAL_ID,
      baseUrl: simulator.url,
      folder: 'ALDGATE',
      auth: { type: 'client_credentials', ...DEMO_CREDENTIALS.oauth2 },
    });

    for (const key of await listApiKeys(db, environment.id)) {
      if (key.name === DEMO_KEY_NAME && key.revokedAt === null) {
        await revokeApiKey(db, key.id, { environmentId: environment.id, actor: 'demo' });
      }
    }
    const { key: apiKey } = await createApiKey(db, environment.id, DEMO_KEY_NAME, 'demo');
    deps.log.info({ connectionId: connection.id, simulatorUrl: simulator.url }, 'demo tenant connected');

    let stopping: Promise<void> | null = null;
    return {
      simulator,
      connection,
      apiKey,
      environmentId: environment.id,
      simulatorUrl: simulator.url,
      connectionId: connection.id,
      stop: () => (stopping ??= simulator.close()),
    };
  } catch (err) {
    await simulator.close();
    throw err;
  }
}
