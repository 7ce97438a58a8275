import type { ColumnType } from 'kysely';
import type { NullableTimestamp, Timestamp } from '../db/foundation.tables.js';
import type { DeliveryState, WebhookEventType } from './webhook.js';

export interface WebhooksTable {
  id: string;
  environment_id: string;
  url: string;
  /** jsonb array, written as JSON text. */
  events: ColumnType<WebhookEventType[], string, string>;
  description: string | null;
  /** The Vault's envelope of the signing secret, bound to this row's id. */
  secret_sealed: string;
  created_at: Timestamp;
}

export interface WebhookEventsTable {
  id: string;
  environment_id: string;
  type: WebhookEventType;
  data: ColumnType<unknown, string, string>;
  created_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  environment_id: string;
  state: DeliveryState;
  attempts: ColumnType<number, number | undefined, number>;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: NullableTimestamp;
  lease_until: NullableTimestamp;
  delivered_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface WebhookTables {
  webhooks: WebhooksTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
