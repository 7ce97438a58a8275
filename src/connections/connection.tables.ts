import type { ColumnType } from 'kysely';
import type { NullableTimestamp, Timestamp } from '../db/foundation.tables.js';
import type { ConnectionSettings, ConnectionStatus, LastError } from './connection.js';

export interface ConnectionsTable {
  id: string;
  environment_id: string;
  name: string;
  external_id: string | null;
  base_url: string;
  folder: string;
  auth_type: 'client_credentials' | 'connected_app' | 'basic';
  client_id_hint: string;
  /** The Vault's envelope of the auth object, bound to this row's id: the only place credentials live. */
  credentials_sealed: string;
  /** jsonb: written as JSON text. */
  settings: ColumnType<ConnectionSettings, string, string>;
  status: ConnectionStatus;
  last_checked_at: NullableTimestamp;
  last_error: ColumnType<LastError | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConnectionTables {
  connections: ConnectionsTable;
}
