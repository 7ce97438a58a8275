import type { Dispatcher } from 'undici';
import type { AppConfig } from '../config.js';
import type { Db } from '../db/index.js';
import { createEgressGuard } from '../egress/index.js';
import { ApiError } from '../http/errors.js';
import { createScaleoutCoordination, type ScaleoutCoordination } from '../scaleout/index.js';
import type { Vault } from '../secrets/index.js';
import type { X3Client } from '../x3/index.js';
import type { X3Logger } from '../x3/options.js';
import type { AuthInput, Connection } from './connection.js';
import { openX3Client, type OpenedClient, type X3Access } from './connection.check.js';
import { findConnectionWithSecret } from './connection.repository.js';
import { egressToApiError } from './connection.errors.js';

export interface ConnectionClients {
  /** The connection (404 not_found if absent or in another environment) and a ready X3 client. */
  get(environmentId: string, connectionId: string): Promise<{ connection: Connection; client: X3Client }>;
  invalidate(connectionId: string): void;
  closeAll(): Promise<void>;
  /** How X3 is reached (egress guard, dispatcher): the wizard checks go through the same. */
  readonly access: X3Access;
}

export interface ConnectionClientsOptions {
  db: Db;
  vault: Vault;
  access: X3Access;
  /**
   * A client is rebuilt after this long even when nothing changed, so the pinned address
   * follows legitimate DNS changes (each rebuild goes through the egress guard again).
   */
  maxAgeMs?: number;
  /** Requests still running on a replaced client get this long before its sockets close. */
  closeGraceMs?: number;
  /**
   * How long a connection row read for a request is reused by the next ones. Changes made in
   * this process apply at once (they invalidate); other processes see them within this time.
   */
  rowTtlMs?: number;
  /**
   * Shares each connection's call cap and token with the other processes on the same Postgres.
   * Default: built on `db` (inactive on the embedded database); null: this process only.
   */
  coordination?: ScaleoutCoordination | null;
}

interface Entry {
  fingerprint: string;
  builtAt: number;
  opened: Promise<OpenedClient>;
}

function fingerprintOf(connection: Connection, sealed: string): string {
  return JSON.stringify([connection.baseUrl, connection.folder, connection.settings, sealed]);
}

export function createConnectionClients(options: ConnectionClientsOptions): ConnectionClients {
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const closeGraceMs = options.closeGraceMs ?? 30_000;
  const cache = new Map<string, Entry>();
  const rowTtlMs = options.rowTtlMs ?? 2_000;
  type Found = NonNullable<Awaited<ReturnType<typeof findConnectionWithSecret>>> & { fingerprint: string };
  const rows = new Map<string, { found: Found; until: number }>();
  const coordination =
    options.coordination === undefined
      ? createScaleoutCoordination(options.db, options.vault, {
          ...(options.access.logger ? { logger: options.access.logger } : {}),
        })
      : options.coordination;

  async function findRow(environmentId: string, connectionId: string): Promise<Found | null> {
    const rowKey = `${environmentId}\u0000${connectionId}`;
    const hit = rows.get(rowKey);
    if (hit && hit.until > Date.now()) return hit.found;
    const row = await findConnectionWithSecret(options.db, environmentId, connectionId);
    // Computed once per row read rather than on every request that reuses the row.
    const found = row && { ...row, fingerprint: fingerprintOf(row.connection, row.credentialsSealed) };
    if (found && rowTtlMs > 0) {
      if (rows.size > 10_000) rows.clear();
      rows.set(rowKey, { found, until: Date.now() + rowTtlMs });
    } else {
      rows.delete(rowKey);
    }
    return found;
  }

  function retire(entry: Entry): void {
    const timer = setTimeout(() => {
      void entry.opened.then((o) => o.close()).catch(() => undefined);
    }, closeGraceMs);
    timer.unref();
  }

  async function build(connection: Connection, sealed: string): Promise<OpenedClient> {
    // Decrypted here, handed to the client, and dropped: never stored, logged or returned.
    const auth = JSON.parse(options.vault.open(sealed, connection.id)) as AuthInput;
    try {
      const shared = await coordination?.hooksFor(connection, sealed);
      return await openX3Client(
        { baseUrl: connection.baseUrl, folder: connection.folder, auth, settings: connection.settings },
        options.access,
        'serve',
        shared,
      );
    } catch (err) {
      throw egressToApiError(err) ?? err;
    }
  }

  return {
    access: options.access,
    async get(environmentId, connectionId) {
      const found = await findRow(environmentId, connectionId);
      if (!found) throw new ApiError(404, 'not_found', `No connection ${connectionId} in this environment.`);
      const { connection, credentialsSealed, fingerprint } = found;
      let entry = cache.get(connectionId);
      if (entry && (entry.fingerprint !== fingerprint || Date.now() - entry.builtAt > maxAgeMs)) {
        cache.delete(connectionId);
        retire(entry);
        entry = undefined;
      }
      if (!entry) {
        const fresh: Entry = {
          fingerprint,
          builtAt: Date.now(),
          opened: build(connection, credentialsSealed),
        };
        // A failed build is not cached: the next call tries again.
        fresh.opened.catch(() => {
          if (cache.get(connectionId) === fresh) cache.delete(connectionId);
        });
        cache.set(connectionId, fresh);
        entry = fresh;
      }
      const opened = await entry.opened;
      return { connection, client: opened.client };
    },

    invalidate(connectionId) {
      for (const [rowKey, row] of rows) if (row.found.connection.id === connectionId) rows.delete(rowKey);
      const entry = cache.get(connectionId);
      if (!entry) return;
      cache.delete(connectionId);
      retire(entry);
    },

    async closeAll() {
      const entries = [...cache.values()];
      cache.clear();
      rows.clear();
      coordination?.close();
      await Promise.all(entries.map((e) => e.opened.then((o) => o.close()).catch(() => undefined)));
    },
  };
}

/** The X3 access of a running app: the egress guard over the configured allowlist. */
export function createX3Access(
  config: Pick<AppConfig, 'allowPrivateHosts'>,
  options: { dispatcher?: Dispatcher; logger?: X3Logger } = {},
): X3Access {
  return {
    guard: createEgressGuard({ allowPrivateHosts: config.allowPrivateHosts }),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  };
}
