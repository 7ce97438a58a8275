import type { DeliveryApi, WebhookApi } from './webhook.js';
import type { DeliveryRow, WebhookRow } from './webhook.repository.js';

/** The sealed secret is deliberately not read here: no formatter can print it. */
export function formatWebhook(row: Omit<WebhookRow, 'secret_sealed'>): WebhookApi {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    createdAt: row.created_at.toISOString(),
  };
}

export function formatDelivery(row: DeliveryRow): DeliveryApi {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    state: row.state,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at ? row.next_attempt_at.toISOString() : null,
    deliveredAt: row.delivered_at ? row.delivered_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}
