import type { ColumnType } from 'kysely';
import type { NullableTimestamp, Timestamp } from '../db/foundation.tables.js';
import type { MappingTables } from '../mappings/mapping.tables.js';
import type { WebhookTables } from '../webhooks/webhook.tables.js';
import type { AcceptQuoteBody, AttemptOutcome, OrderDraft, QuoteError, QuoteStatus } from './order.js';
import type { OutboxState } from './order.outbox.js';

type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

export interface QuotesTable {
  connection_id: string;
  quote_id: string;
  environment_id: string;
  request_hash: string;
  request: Json<AcceptQuoteBody>;
  draft: Json<OrderDraft>;
  status: QuoteStatus;
  order_number: string | null;
  /** Creates actually sent to X3 (lookups not counted). */
  sends: ColumnType<number, number | undefined, number>;
  attempt_count: ColumnType<number, number | undefined, number>;
  last_error: NullableJson<QuoteError>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrderOutboxTable {
  connection_id: string;
  quote_id: string;
  environment_id: string;
  state: OutboxState;
  next_attempt_at: NullableTimestamp;
  lease_until: NullableTimestamp;
  lease_owner: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrderAttemptsTable {
  id: string;
  connection_id: string;
  quote_id: string;
  number: number;
  lookup: ColumnType<boolean, boolean | undefined, boolean>;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  outcome: AttemptOutcome;
  order_number: string | null;
  error: NullableJson<QuoteError>;
}

/** Migration 0003 creates the mapping and webhook tables with these, so they travel together. */
export interface OrderTables extends MappingTables, WebhookTables {
  quotes: QuotesTable;
  order_outbox: OrderOutboxTable;
  order_attempts: OrderAttemptsTable;
}
