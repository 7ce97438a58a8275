import pg from 'pg';
import { loadConfig, type AppConfig } from '../../config.js';
import { randomBase62 } from '../ids.js';
import { IN_MEMORY, openStore, type Store } from '../store.js';

/** Both backends; integration tests run on each with `describe.each(testBackends)`. */
export const testBackends: Array<'pglite' | 'postgres'> = ['pglite', 'postgres'];

/** The machine's Postgres server (trust auth); each test store gets its own database on it. */
export const TEST_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function testPostgresUrl(database: string): string {
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A config for tests: in-memory PGlite, fixed master key, quiet logs. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return loadConfig(
    {
      X3BRIDGE_MASTER_KEYS: `test1:${Buffer.alloc(32, 1).toString('base64')}`,
      LOG_LEVEL: 'silent',
      X3BRIDGE_DATA_DIR: IN_MEMORY,
    },
    { port: 0, ...overrides },
  );
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the test server and returns its name and a drop function. */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `x3b_t_${randomBase62(12).toLowerCase()}`;
  await withAdmin((c) => c.query(`create database "${name}"`));
  let dropped = false;
  return {
    name,
    url: testPostgresUrl(name),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin((c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

/**
 * A migrated store. Postgres: a fresh database dropped on dispose. PGlite: an in-memory
 * instance (about 3 s to start, so share one per test file).
 */
export async function openTestStore(
  kind: 'pglite' | 'postgres',
  opts: { migrate?: boolean } = {},
): Promise<Store & { dispose(): Promise<void>; config: AppConfig }> {
  if (kind === 'pglite') {
    const config = testConfig();
    const store = await openStore(config, { migrate: opts.migrate ?? true, command: 'test' });
    return Object.assign(store, { config, dispose: () => store.close() });
  }
  const database = await createTestDatabase();
  const config = testConfig({ databaseUrl: database.url });
  let store: Store;
  try {
    store = await openStore(config, { migrate: opts.migrate ?? true, command: 'test' });
  } catch (err) {
    await database.drop();
    throw err;
  }
  return Object.assign(store, {
    config,
    async dispose() {
      try {
        await store.close();
      } finally {
        await database.drop();
      }
    },
  });
}
