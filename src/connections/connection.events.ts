import { emitEvent } from '../webhooks/webhook.service.js';
import type { StatusChangeListener } from './connection.service.js';

/**
 * Records `connection.status_changed` in the transaction that changed the status, for the
 * platform's webhooks. One definition for every path that checks a connection (HTTP, CLI), so
 * the event's shape cannot drift between them.
 */
export const emitStatusChanged: StatusChangeListener = async (tx, e) => {
  await emitEvent(tx, {
    environmentId: e.environmentId,
    type: 'connection.status_changed',
    data: {
      connectionId: e.connectionId,
      name: e.name,
      previousStatus: e.from,
      status: e.to,
      reason: e.reason,
      changedAt: e.at.toISOString(),
    },
    now: e.at,
  });
};
