import type { ColumnType } from 'kysely';
import type { Timestamp } from '../db/foundation.tables.js';

/** bigint epoch milliseconds: read back as a number (the store parses int8 that fits). */
type EpochMs = ColumnType<number, number, number>;

export interface X3SharedTokensTable {
  connection_id: string;
  /** Which credentials minted the token: a hash of the sealed credentials, never of the secret. */
  credentials_tag: string;
  /** The Vault's envelope of the access token, bound to the connection id. */
  token_sealed: string;
  expires_at: EpochMs;
  refresh_at: EpochMs;
  minted_at: Timestamp;
}

export interface X3CallSlotsTable {
  connection_id: string;
  slot: number;
  /** One value per take, so a late release never frees a slot someone else took since. */
  holder: string | null;
  process_id: string | null;
  lease_until: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ScaleoutTables {
  x3_shared_tokens: X3SharedTokensTable;
  x3_call_slots: X3CallSlotsTable;
}
