import type { ColumnType } from 'kysely';

/** Timestamps read back as Date; written as Date or ISO text; defaulted by the database. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

export interface EnvironmentsTable {
  id: string;
  name: string;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  environment_id: string;
  /** The first characters of the key, kept for display ("x3b_live_Ab12…"). */
  prefix: string;
  /** Hex SHA-256 of the whole key. */
  hash: string;
  name: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface AuditEventsTable {
  id: string;
  environment_id: string | null;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  /** jsonb: written as JSON text (pg would turn a JS array into a Postgres array). */
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Timestamp;
}

export interface IdempotencyRecordsTable {
  environment_id: string;
  scope: string;
  key: string;
  request_hash: string;
  status_code: ColumnType<number | null, number | null | undefined, number | null>;
  response: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Timestamp;
}

export interface FoundationTables {
  environments: EnvironmentsTable;
  api_keys: ApiKeysTable;
  audit_events: AuditEventsTable;
  idempotency_records: IdempotencyRecordsTable;
}
