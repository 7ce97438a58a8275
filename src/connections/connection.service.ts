import type { Logger } from 'pino';
import { newId, recordAuditEvent, type Db, type DbExecutor } from '../db/index.js';
import { ApiError } from '../http/errors.js';
import type { Vault } from '../secrets/index.js';
import {
  clientIdHintOf,
  type AuthInput,
  normalizeBaseUrl,
  publicAuthSettings,
  type CheckStep,
  type Connection,
  type ConnectionCreateInput,
  type ConnectionPatchInput,
  type ConnectionSettings,
  type ConnectionStatus,
  type LastError,
} from './connection.js';
import {
  failureToLastError,
  runConnectionCheck,
  type CheckOutcome,
  type X3Access,
  type X3Target,
} from './connection.check.js';
import type { ConnectionClients } from './connection.clients.js';
import { checkFailureToApiError } from './connection.errors.js';
import { normalizeCaPem, summarizeCaPem } from './connection.tls.js';
import * as repo from './connection.repository.js';
import { openQuoteIds } from '../orders/order.repository.js';

/** Told when a connection's status changes (the webhooks capability sends it on). */
export type StatusChangeListener = (
  db: DbExecutor,
  event: {
    environmentId: string;
    connectionId: string;
    name: string;
    from: ConnectionStatus;
    to: ConnectionStatus;
    at: Date;
    reason: { code: string; message: string } | null;
  },
) => Promise<void>;

export interface ConnectionServiceDeps {
  db: Db;
  vault: Vault;
  access: X3Access;
  clients: ConnectionClients;
  log: Pick<Logger, 'info' | 'warn'>;
  /** Called inside the transaction that records a status change. */
  onStatusChange?: StatusChangeListener;
  /** Called after that transaction committed (say, to send the webhook at once). */
  afterStatusChange?: () => Promise<void>;
}

export interface Actor {
  environmentId: string;
  /** Who acted, for the audit log: an API key id, or `system` / `demo`. */
  actor: string;
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function tlsFor(tls: { ca: string } | undefined): ConnectionSettings['tls'] {
  return tls ? { ca: normalizeCaPem(tls.ca) } : undefined;
}

function settingsFor(input: ConnectionCreateInput): ConnectionSettings {
  return compact({
    ...(input.settings ?? {}),
    tls: tlsFor(input.settings?.tls),
    ...publicAuthSettings(input.auth),
  });
}

function targetOf(input: ConnectionCreateInput): X3Target {
  return {
    baseUrl: normalizeBaseUrl(input.baseUrl),
    folder: input.folder,
    auth: input.auth,
    settings: settingsFor(input),
  };
}

async function audit(
  db: DbExecutor,
  who: Actor,
  action: string,
  connectionId: string,
  data: Record<string, unknown>,
): Promise<void> {
  await recordAuditEvent(db, {
    environmentId: who.environmentId,
    actor: who.actor,
    action,
    subjectType: 'connection',
    subjectId: connectionId,
    data,
  });
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

function externalIdTaken(externalId: string): ApiError {
  return new ApiError(
    409,
    'conflict',
    `Another connection in this environment already has externalId "${externalId}".`,
    {
      field: 'externalId',
    },
  );
}

/** The wizard's dry run: the same checks as create, nothing stored. Throws 422 on failure. */
export async function checkNewConnection(
  deps: Pick<ConnectionServiceDeps, 'access'>,
  input: ConnectionCreateInput,
): Promise<{ id: null; status: ConnectionStatus; checks: CheckStep[] }> {
  const outcome = await runConnectionCheck(targetOf(input), deps.access);
  if (outcome.failure) throw checkFailureToApiError(outcome.failure, outcome.checks);
  return { id: null, status: outcome.status, checks: outcome.checks };
}

/** The wizard: checks X3 first and stores the connection only when every check passed. */
export async function createConnection(
  deps: ConnectionServiceDeps,
  who: Actor,
  input: ConnectionCreateInput,
): Promise<{ connection: Connection; checks: CheckStep[] }> {
  if (input.externalId !== undefined) {
    const existing = await repo.findConnectionByExternalId(deps.db, who.environmentId, input.externalId);
    if (existing) throw externalIdTaken(input.externalId);
  }
  const target = targetOf(input);
  const outcome = await runConnectionCheck(target, deps.access);
  if (outcome.failure) throw checkFailureToApiError(outcome.failure, outcome.checks);

  const id = newId('con');
  const credentialsSealed = deps.vault.seal(JSON.stringify(input.auth), id);
  try {
    const connection = await deps.db.transaction().execute(async (tx) => {
      const created = await repo.insertConnection(tx, {
        id,
        environmentId: who.environmentId,
        name: input.name,
        externalId: input.externalId ?? null,
        baseUrl: target.baseUrl,
        folder: target.folder,
        authType: input.auth.type,
        clientIdHint: clientIdHintOf(input.auth),
        credentialsSealed,
        settings: target.settings,
        status: 'active',
        lastCheckedAt: new Date(),
      });
      await audit(tx, who, 'connection.created', id, {
        name: input.name,
        baseUrl: target.baseUrl,
        folder: target.folder,
        authType: input.auth.type,
      });
      return created;
    });
    deps.log.info({ connectionId: id, environmentId: who.environmentId }, 'connection created');
    return { connection, checks: outcome.checks };
  } catch (err) {
    if (isUniqueViolation(err) && input.externalId !== undefined) throw externalIdTaken(input.externalId);
    throw err;
  }
}

export async function getConnection(db: DbExecutor, environmentId: string, id: string): Promise<Connection> {
  const found = await repo.findConnection(db, environmentId, id);
  if (!found) throw new ApiError(404, 'not_found', `No connection ${id} in this environment.`);
  return found;
}

export async function listConnections(
  db: DbExecutor,
  environmentId: string,
  limit: number,
  after: repo.ListPosition | null,
): Promise<{ data: Connection[]; next: repo.ListPosition | null }> {
  const rows = await repo.listConnections(db, environmentId, limit + 1, after);
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

async function recordStatus(
  deps: ConnectionServiceDeps,
  who: Actor,
  before: Connection,
  outcome: CheckOutcome,
  extra: repo.ConnectionUpdate = {},
): Promise<Connection> {
  const updated = await deps.db.transaction().execute(async (tx) => {
    const updated = await repo.updateConnection(tx, who.environmentId, before.id, {
      ...extra,
      status: outcome.status,
      lastCheckedAt: new Date(),
      lastError: failureToLastError(outcome.failure),
    });
    if (!updated) throw new ApiError(404, 'not_found', `No connection ${before.id} in this environment.`);
    if (before.status !== updated.status) {
      await audit(tx, who, 'connection.status_changed', before.id, {
        from: before.status,
        to: updated.status,
        ...(outcome.failure ? { reason: outcome.failure.code } : {}),
      });
      await deps.onStatusChange?.(tx, {
        environmentId: who.environmentId,
        connectionId: before.id,
        from: before.status,
        to: updated.status,
        at: updated.updatedAt,
        name: updated.name,
        reason: outcome.failure ? { code: outcome.failure.code, message: outcome.failure.message } : null,
      });
    }
    return updated;
  });
  if (before.status !== updated.status) await deps.afterStatusChange?.();
  return updated;
}

/**
 * A status seen on an ordinary X3 call (not a check): recorded only if the connection still
 * has the status the caller saw, so concurrent calls that saw the same change record it, its
 * audit entry and its `connection.status_changed` event once. Null when nothing changed here.
 */
export async function recordObservedStatus(
  deps: ConnectionServiceDeps,
  who: Actor,
  before: Connection,
  to: ConnectionStatus,
  lastError: LastError | null,
): Promise<Connection | null> {
  if (before.status === to) return null;
  const updated = await deps.db.transaction().execute(async (tx) => {
    const changed = await repo.changeStatusIf(tx, who.environmentId, before.id, before.status, to, lastError);
    if (!changed) return null;
    await audit(tx, who, 'connection.status_changed', before.id, {
      from: before.status,
      to,
      source: 'x3_call',
      ...(lastError ? { reason: lastError.code } : {}),
    });
    await deps.onStatusChange?.(tx, {
      environmentId: who.environmentId,
      connectionId: before.id,
      from: before.status,
      to,
      at: changed.updatedAt,
      name: changed.name,
      reason: lastError ? { code: lastError.code, message: lastError.message } : null,
    });
    return changed;
  });
  if (updated) {
    deps.log.info(
      { connectionId: before.id, environmentId: who.environmentId, from: before.status, to },
      'connection status changed on an X3 call',
    );
    await deps.afterStatusChange?.();
  }
  return updated;
}

/** Health check of a stored connection: runs the wizard's checks and records the status. */
export async function recheckConnection(
  deps: ConnectionServiceDeps,
  who: Actor,
  id: string,
): Promise<{ connection: Connection; checks: CheckStep[] }> {
  const found = await repo.findConnectionWithSecret(deps.db, who.environmentId, id);
  if (!found) throw new ApiError(404, 'not_found', `No connection ${id} in this environment.`);
  const { connection, credentialsSealed } = found;
  const auth = JSON.parse(deps.vault.open(credentialsSealed, id)) as ConnectionCreateInput['auth'];
  const outcome = await runConnectionCheck(
    { baseUrl: connection.baseUrl, folder: connection.folder, auth, settings: connection.settings },
    deps.access,
  );
  const updated = await recordStatus(deps, who, connection, outcome);
  return { connection: updated, checks: outcome.checks };
}

/**
 * Name, externalId and settings change at once. A new address, folder or credentials are
 * checked against X3 first (through the egress guard, like the wizard), and saved only if
 * every check passes: an X3 server that moved keeps its connection id, mappings and quotes.
 */
export async function patchConnection(
  deps: ConnectionServiceDeps,
  who: Actor,
  id: string,
  patch: ConnectionPatchInput,
): Promise<{ connection: Connection; checks: CheckStep[] | null }> {
  const found = await repo.findConnectionWithSecret(deps.db, who.environmentId, id);
  if (!found) throw new ApiError(404, 'not_found', `No connection ${id} in this environment.`);
  const { connection, credentialsSealed } = found;
  if (patch.externalId) {
    const other = await repo.findConnectionByExternalId(deps.db, who.environmentId, patch.externalId);
    if (other && other.id !== id) throw externalIdTaken(patch.externalId);
  }
  const tls =
    patch.settings?.tls === undefined ? connection.settings.tls : tlsFor(patch.settings.tls ?? undefined);
  const userSettings = compact({
    timeoutMs: connection.settings.timeoutMs,
    concurrency: connection.settings.concurrency,
    ...(patch.settings ?? {}),
    tls,
  });
  const authSettings = patch.auth
    ? publicAuthSettings(patch.auth)
    : compact({ ...connection.settings, timeoutMs: undefined, concurrency: undefined, tls: undefined });
  const settings = compact({ ...userSettings, ...authSettings }) as ConnectionSettings;
  const baseUrl = patch.baseUrl === undefined ? connection.baseUrl : normalizeBaseUrl(patch.baseUrl);
  const folder = patch.folder ?? connection.folder;
  const moved = baseUrl !== connection.baseUrl || folder !== connection.folder;
  // New trust can break (or mend) the way to X3: checked like a new address.
  const retrusted = tls?.ca !== connection.settings.tls?.ca;
  const fields: repo.ConnectionUpdate = {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.externalId !== undefined ? { externalId: patch.externalId } : {}),
    ...(moved ? { baseUrl, folder } : {}),
    settings,
  };
  try {
    if (patch.auth || moved || retrusted) {
      const auth = patch.auth ?? (JSON.parse(deps.vault.open(credentialsSealed, id)) as AuthInput);
      const outcome = await runConnectionCheck({ baseUrl, folder, auth, settings }, deps.access);
      if (outcome.failure) throw checkFailureToApiError(outcome.failure, outcome.checks);
      const updated = await recordStatus(deps, who, connection, outcome, {
        ...fields,
        ...(patch.auth
          ? {
              authType: patch.auth.type,
              clientIdHint: clientIdHintOf(patch.auth),
              credentialsSealed: deps.vault.seal(JSON.stringify(patch.auth), id),
            }
          : {}),
      });
      if (moved) {
        await audit(deps.db, who, 'connection.moved', id, {
          from: { baseUrl: connection.baseUrl, folder: connection.folder },
          to: { baseUrl, folder },
        });
      }
      if (patch.auth) {
        await audit(deps.db, who, 'connection.credentials_rotated', id, { authType: patch.auth.type });
      }
      if (retrusted) {
        await audit(deps.db, who, 'connection.tls_trust_changed', id, {
          sha256: tls ? summarizeCaPem(tls.ca).map((c) => c.sha256) : [],
        });
      }
      deps.clients.invalidate(id);
      return { connection: updated, checks: outcome.checks };
    }
    const updated = await deps.db.transaction().execute(async (tx) => {
      const row = await repo.updateConnection(tx, who.environmentId, id, fields);
      if (!row) throw new ApiError(404, 'not_found', `No connection ${id} in this environment.`);
      await audit(tx, who, 'connection.updated', id, {
        fields: Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined),
      });
      return row;
    });
    deps.clients.invalidate(id);
    return { connection: updated, checks: null };
  } catch (err) {
    if (isUniqueViolation(err) && patch.externalId) throw externalIdTaken(patch.externalId);
    throw err;
  }
}

/** Removes the connection and, with its row, the only copy of its credentials. */
export async function deleteConnection(deps: ConnectionServiceDeps, who: Actor, id: string): Promise<void> {
  const removed = await deps.db.transaction().execute(async (tx) => {
    const open = await openQuoteIds(tx, id);
    if (open.length > 0 && (await repo.findConnection(tx, who.environmentId, id))) {
      throw new ApiError(
        409,
        'conflict',
        `Connection ${id} still has ${open.length === 20 ? 'at least 20' : open.length} quote(s) pending for X3 (${open.join(', ')}); delete it once they are created or failed.`,
        { quoteIds: open },
      );
    }
    const gone = await repo.deleteConnection(tx, who.environmentId, id);
    if (gone) await audit(tx, who, 'connection.deleted', id, {});
    return gone;
  });
  if (!removed) throw new ApiError(404, 'not_found', `No connection ${id} in this environment.`);
  deps.clients.invalidate(id);
}
