import type { Selectable } from 'kysely';
import type { DbExecutor } from '../db/index.js';
import type { Connection, ConnectionSettings, ConnectionStatus, LastError } from './connection.js';
import type { ConnectionsTable } from './connection.tables.js';

export type ConnectionRow = Selectable<ConnectionsTable>;

/** The columns that describe a connection, without the sealed credentials. */
const PUBLIC_COLUMNS = [
  'id',
  'environment_id',
  'name',
  'external_id',
  'base_url',
  'folder',
  'auth_type',
  'client_id_hint',
  'settings',
  'status',
  'last_checked_at',
  'last_error',
  'created_at',
  'updated_at',
] as const;

type PublicRow = Omit<ConnectionRow, 'credentials_sealed'>;

function parseJson<T>(value: unknown): T {
  // pg and PGlite both parse jsonb, but a text column read through another driver would not.
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function rowToConnection(row: PublicRow): Connection {
  return {
    id: row.id,
    environmentId: row.environment_id,
    name: row.name,
    externalId: row.external_id,
    baseUrl: row.base_url,
    folder: row.folder,
    authType: row.auth_type,
    clientIdHint: row.client_id_hint,
    settings: parseJson<ConnectionSettings>(row.settings) ?? {},
    status: row.status,
    lastCheckedAt: row.last_checked_at,
    lastError: parseJson<LastError | null>(row.last_error) ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewConnectionRow {
  id: string;
  environmentId: string;
  name: string;
  externalId: string | null;
  baseUrl: string;
  folder: string;
  authType: Connection['authType'];
  clientIdHint: string;
  credentialsSealed: string;
  settings: ConnectionSettings;
  status: ConnectionStatus;
  lastCheckedAt: Date;
}

export async function insertConnection(db: DbExecutor, c: NewConnectionRow): Promise<Connection> {
  const row = await db
    .insertInto('connections')
    .values({
      id: c.id,
      environment_id: c.environmentId,
      name: c.name,
      external_id: c.externalId,
      base_url: c.baseUrl,
      folder: c.folder,
      auth_type: c.authType,
      client_id_hint: c.clientIdHint,
      credentials_sealed: c.credentialsSealed,
      settings: JSON.stringify(c.settings),
      status: c.status,
      last_checked_at: c.lastCheckedAt,
      last_error: null,
    })
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow();
  return rowToConnection(row);
}

export async function findConnection(
  db: DbExecutor,
  environmentId: string,
  id: string,
): Promise<Connection | null> {
  const row = await db
    .selectFrom('connections')
    .select(PUBLIC_COLUMNS)
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? rowToConnection(row) : null;
}

/** The connection with its sealed credentials, for building a client; never formatted. */
export async function findConnectionWithSecret(
  db: DbExecutor,
  environmentId: string,
  id: string,
): Promise<{ connection: Connection; credentialsSealed: string } | null> {
  const row = await db
    .selectFrom('connections')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  return { connection: rowToConnection(row), credentialsSealed: row.credentials_sealed };
}

export async function findConnectionByExternalId(
  db: DbExecutor,
  environmentId: string,
  externalId: string,
): Promise<Connection | null> {
  const row = await db
    .selectFrom('connections')
    .select(PUBLIC_COLUMNS)
    .where('environment_id', '=', environmentId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row ? rowToConnection(row) : null;
}

export interface ListPosition {
  createdAt: Date;
  id: string;
}

/** Newest first; `after` is the last row of the previous page. */
export async function listConnections(
  db: DbExecutor,
  environmentId: string,
  limit: number,
  after: ListPosition | null,
): Promise<Connection[]> {
  let q = db
    .selectFrom('connections')
    .select(PUBLIC_COLUMNS)
    .where('environment_id', '=', environmentId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  return (await q.execute()).map(rowToConnection);
}

export interface ConnectionUpdate {
  name?: string;
  externalId?: string | null;
  settings?: ConnectionSettings;
  baseUrl?: string;
  folder?: string;
  authType?: Connection['authType'];
  clientIdHint?: string;
  credentialsSealed?: string;
  status?: ConnectionStatus;
  lastCheckedAt?: Date;
  lastError?: LastError | null;
}

export async function updateConnection(
  db: DbExecutor,
  environmentId: string,
  id: string,
  u: ConnectionUpdate,
): Promise<Connection | null> {
  const row = await db
    .updateTable('connections')
    .set({
      ...(u.name !== undefined ? { name: u.name } : {}),
      ...(u.externalId !== undefined ? { external_id: u.externalId } : {}),
      ...(u.settings !== undefined ? { settings: JSON.stringify(u.settings) } : {}),
      ...(u.baseUrl !== undefined ? { base_url: u.baseUrl } : {}),
      ...(u.folder !== undefined ? { folder: u.folder } : {}),
      ...(u.authType !== undefined ? { auth_type: u.authType } : {}),
      ...(u.clientIdHint !== undefined ? { client_id_hint: u.clientIdHint } : {}),
      ...(u.credentialsSealed !== undefined ? { credentials_sealed: u.credentialsSealed } : {}),
      ...(u.status !== undefined ? { status: u.status } : {}),
      ...(u.lastCheckedAt !== undefined ? { last_checked_at: u.lastCheckedAt } : {}),
      ...(u.lastError !== undefined
        ? { last_error: u.lastError === null ? null : JSON.stringify(u.lastError) }
        : {}),
      updated_at: new Date(),
    })
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirst();
  return row ? rowToConnection(row) : null;
}

/**
 * Moves the status from `expected` to `status` and nothing else changes; null when the row had
 * another status by then (someone recorded the change first), so a change is recorded once.
 */
export async function changeStatusIf(
  db: DbExecutor,
  environmentId: string,
  id: string,
  expected: ConnectionStatus,
  status: ConnectionStatus,
  lastError: LastError | null,
): Promise<Connection | null> {
  const row = await db
    .updateTable('connections')
    .set({
      status,
      last_error: lastError === null ? null : JSON.stringify(lastError),
      updated_at: new Date(),
    })
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .where('status', '=', expected)
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirst();
  return row ? rowToConnection(row) : null;
}

export async function deleteConnection(db: DbExecutor, environmentId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('connections')
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listAllSealedCredentials(
  db: DbExecutor,
): Promise<Array<{ id: string; credentialsSealed: string }>> {
  const rows = await db.selectFrom('connections').select(['id', 'credentials_sealed']).execute();
  return rows.map((r) => ({ id: r.id, credentialsSealed: r.credentials_sealed }));
}
