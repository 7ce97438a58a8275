import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { Vault } from '../secrets/index.js';
import type { X3Hooks, X3Logger } from '../x3/index.js';
import { createSharedSlots, type SharedSlots, type SharedSlotsOptions } from './shared-slots.js';
import { createSharedTokens, credentialsTag, type SharedTokensOptions } from './shared-tokens.js';

export type SharedHooks = Pick<X3Hooks, 'acquireSlot' | 'sharedTokens'>;

/** What makes the X3 clients of several processes behave as one toward each X3 folder. */
export interface ScaleoutCoordination {
  /**
   * Hooks for a connection's X3 client: its call slots and its token, shared through the
   * database. Undefined on the embedded database, which has one process by construction.
   */
  hooksFor(
    connection: { id: string; settings: { concurrency?: number | undefined } },
    credentialsSealed: string,
  ): Promise<SharedHooks | undefined>;
  /** Stops the background lease renewal. */
  close(): void;
}

export interface ScaleoutOptions {
  /** The store's kind; asked of the database once when not given. */
  kind?: 'pglite' | 'postgres';
  logger?: Pick<X3Logger, 'warn'>;
  slots?: SharedSlotsOptions;
  tokens?: SharedTokensOptions;
}

/** The per-connection cap when the connection's settings do not name one (the X3 client's default too). */
export const DEFAULT_CONCURRENCY = 4;

/** Whether the database is a Postgres server (shared) or PGlite (this process only). */
export async function detectKind(db: Db): Promise<'pglite' | 'postgres'> {
  const { rows } = await sql<{ v: string }>`select version() as v`.execute(db);
  return /pglite/i.test(rows[0]?.v ?? '') ? 'pglite' : 'postgres';
}

export function createScaleoutCoordination(
  db: Db,
  vault: Vault,
  options: ScaleoutOptions = {},
): ScaleoutCoordination {
  let warned = false;
  const onDatabaseError = (error: unknown) => {
    // Once per process: a database outage would otherwise log on every X3 call.
    if (warned) return;
    warned = true;
    options.logger?.warn(
      { reason: error instanceof Error ? error.message : String(error) },
      'shared X3 limits unavailable: this process reaches X3 on its own limits until the database answers',
    );
  };
  let kind: Promise<'pglite' | 'postgres'> | undefined =
    options.kind === undefined ? undefined : Promise.resolve(options.kind);
  let slots: SharedSlots | undefined;
  return {
    async hooksFor(connection, credentialsSealed) {
      kind ??= detectKind(db).catch((error: unknown) => {
        kind = undefined;
        throw error;
      });
      if ((await kind) === 'pglite') return undefined;
      slots ??= createSharedSlots(db, { onDatabaseError, ...options.slots });
      const shared = slots;
      const limit = connection.settings.concurrency ?? DEFAULT_CONCURRENCY;
      return {
        acquireSlot: () => shared.acquire(connection.id, limit),
        sharedTokens: createSharedTokens(db, vault, connection.id, credentialsTag(credentialsSealed), {
          onDatabaseError,
          ...options.tokens,
        }),
      };
    },
    close() {
      slots?.close();
    },
  };
}
