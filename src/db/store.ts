import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { AppConfig } from '../config.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { Gate } from './gate.js';
import { migrateToLatest } from './migrate.js';
import { createPglitePool, runOnPglite } from './pglite-pool.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type DbExecutor = Kysely<Database> | Transaction<Database>;

export interface Store {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Raw SQL for pg-boss and operational checks; on PGlite it waits its turn at the same gate as Kysely. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of arbitrary SQL
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  close(): Promise<void>;
  /** The embedded data folder's lock (null on Postgres or in memory). */
  lock: DataDirLock | null;
  /** Connection string for libraries that open their own pool (Postgres only). */
  connectionString: string | null;
}

export interface OpenStoreOptions {
  /** Run migrations before returning (default true). */
  migrate?: boolean;
  /** Named in the lock file, so a second process can say who holds the folder. */
  command?: string;
}

/** `dataDir` set to this keeps PGlite in memory, without a lock file (tests). */
export const IN_MEMORY = 'memory://';

// Postgres int8 (counts, sums) comes back as a number when it fits, as PGlite does, so both
// backends hand the same types to the code above them.
const INT8 = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) {
      return (value: string) => {
        const big = BigInt(value);
        return big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)
          ? big
          : Number(big);
      };
    }
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Opens the system of record: a Postgres server when `databaseUrl` is set, else PGlite in
 * `{dataDir}/pgdata`, owned through a lock file for as long as the store is open.
 */
export async function openStore(config: AppConfig, opts: OpenStoreOptions = {}): Promise<Store> {
  const store = config.databaseUrl
    ? openPostgres(config.databaseUrl)
    : await openPglite(config.dataDir, opts.command ?? 'x3bridge');
  if (opts.migrate ?? true) {
    try {
      await migrateToLatest(store.db);
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  return store;
}

function openPostgres(connectionString: string): Store {
  const pool = new pg.Pool({ connectionString, max: 10, types: pgTypes });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed: Promise<void> | null = null;
  return {
    db,
    kind: 'postgres',
    lock: null,
    connectionString,
    async executeSql(text, values) {
      const r = await pool.query(text, values);
      return { rows: r.rows };
    },
    close() {
      // Kysely's destroy ends the pool.
      closed ??= db.destroy();
      return closed;
    },
  };
}

async function openPglite(dataDir: string, command: string): Promise<Store> {
  const inMemory = dataDir.startsWith(IN_MEMORY);
  let lock: DataDirLock | null = null;
  let pglite: PGlite;
  if (inMemory) {
    pglite = await PGlite.create();
  } else {
    lock = acquireDataDirLock(dataDir, command);
    try {
      const pgdata = join(resolve(dataDir), 'pgdata');
      mkdirSync(pgdata, { recursive: true });
      pglite = await PGlite.create(pgdata);
    } catch (err) {
      lock.release();
      throw err;
    }
  }
  const gate = new Gate({
    onSlowWait: (ms) =>
      process.emitWarning(
        `a query has waited ${ms / 1000} s for the embedded database. If code inside a transaction ` +
          'queries through the main handle instead of the transaction, it waits for itself: pass the transaction.',
        { code: 'X3BRIDGE_PGLITE_WAIT' },
      ),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPglitePool(pglite, gate) }) });
  let closed: Promise<void> | null = null;
  return {
    db,
    kind: 'pglite',
    lock,
    connectionString: null,
    async executeSql(text, values) {
      return gate.run(async () => ({ rows: (await runOnPglite(pglite, text, values)).rows }));
    },
    close() {
      closed ??= (async () => {
        try {
          await db.destroy();
          // Wait for whoever holds the session to finish before closing it under them.
          await gate.run(() => pglite.close());
        } finally {
          lock?.release();
        }
      })();
      return closed;
    },
  };
}
