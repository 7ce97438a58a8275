import type { Logger } from 'pino';
import type PgBoss from 'pg-boss';
import { request } from 'undici';
import { newId, randomBase62, type Db, type DbExecutor } from '../db/index.js';
import { createPinnedDispatcher, type EgressGuard } from '../egress/index.js';
import { ApiError } from '../http/errors.js';
import type { Vault } from '../secrets/index.js';
import { mapLimit } from '../orders/order.x3.js';
import {
  decideDelivery,
  defaultDeliveryPolicy,
  deliveryLeaseMs,
  parseRetryAfter,
  type CreateWebhookBody,
  type DeliveryPolicy,
  type WebhookEnvelope,
  type WebhookEventType,
} from './webhook.js';
import { formatDelivery, formatWebhook } from './webhook.formatter.js';
import {
  claimDueDeliveries,
  deleteWebhookRow,
  findDelivery,
  findEvent,
  findWebhook,
  insertDeliveries,
  insertEvent,
  insertWebhook,
  listDeliveryRows,
  listWebhookRows,
  recordDelivery,
  subscribedWebhooks,
} from './webhook.repository.js';
import { SIGNATURE_HEADER, signWebhookPayload } from './webhook.signature.js';

export const WEBHOOK_DELIVER_QUEUE = 'webhooks.deliver';

export interface WebhookDeps {
  db: Db;
  vault: Vault;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Applied to every webhook URL, at registration and again before each delivery (DNS can change). */
  egress: EgressGuard;
  jobs?: { boss: PgBoss } | null;
  deliveryPolicy?: DeliveryPolicy;
  clock?: () => Date;
}

/**
 * Records an event and one pending delivery per subscribed webhook, in the caller's transaction:
 * the event exists exactly when the change that caused it was committed. Call
 * `kickWebhookDelivery` after the commit to send at once rather than at the next sweep.
 */
export async function emitEvent(
  db: DbExecutor,
  e: { environmentId: string; type: WebhookEventType; data: unknown; now?: Date },
): Promise<{ eventId: string; deliveryIds: string[] }> {
  const now = e.now ?? new Date();
  const eventId = newId('evt');
  await insertEvent(db, {
    id: eventId,
    environmentId: e.environmentId,
    type: e.type,
    data: e.data,
    createdAt: now,
  });
  const hooks = await subscribedWebhooks(db, e.environmentId, e.type);
  const rows = hooks.map((h) => ({
    id: newId('dlv'),
    webhookId: h.id,
    eventId,
    environmentId: e.environmentId,
    dueAt: now,
  }));
  await insertDeliveries(db, rows);
  return { eventId, deliveryIds: rows.map((r) => r.id) };
}

/** Asks a worker to deliver what is due now; harmless when jobs are not running (the sweep catches up). */
export async function kickWebhookDelivery(
  deps: { jobs?: { boss: PgBoss } | null; log: Pick<Logger, 'warn'> },
  at?: Date,
): Promise<void> {
  if (!deps.jobs) return;
  try {
    await deps.jobs.boss.send(WEBHOOK_DELIVER_QUEUE, { v: 1 }, at ? { startAfter: at } : {});
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'could not queue webhook delivery');
  }
}

async function checkUrl(egress: EgressGuard, url: string) {
  try {
    return await egress.check(url);
  } catch (err) {
    const reason = (err as { reason?: string }).reason;
    throw new ApiError(
      422,
      'invalid_host',
      `x3bridge will not send webhooks to ${safeUrl(url)}: ${(err as Error).message}`,
      reason ? { reason } : undefined,
    );
  }
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'that address';
  }
}

export async function createWebhook(deps: WebhookDeps, environmentId: string, body: CreateWebhookBody) {
  const url = new URL(body.url);
  if (url.username || url.password) {
    throw new ApiError(422, 'invalid_host', 'A webhook URL must not carry a user name or password');
  }
  await checkUrl(deps.egress, body.url);
  const id = newId('wh');
  const secret = `whsec_${randomBase62(32)}`;
  const row = await insertWebhook(deps.db, {
    id,
    environmentId,
    url: body.url,
    events: [...new Set(body.events)],
    description: body.description ?? null,
    secretSealed: deps.vault.seal(secret, id),
  });
  return { ...formatWebhook(row), secret };
}

export async function listWebhooks(
  deps: Pick<WebhookDeps, 'db'>,
  environmentId: string,
  q: { limit: number; cursor?: string | undefined },
) {
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await listWebhookRows(deps.db, environmentId, { limit: q.limit, after });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(formatWebhook),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

export async function deleteWebhook(
  deps: Pick<WebhookDeps, 'db'>,
  environmentId: string,
  id: string,
): Promise<void> {
  if (!(await deleteWebhookRow(deps.db, environmentId, id)))
    throw new ApiError(404, 'not_found', `No webhook ${id}`);
}

async function requireWebhook(db: DbExecutor, environmentId: string, id: string) {
  const w = await findWebhook(db, environmentId, id);
  if (!w) throw new ApiError(404, 'not_found', `No webhook ${id}`);
  return w;
}

export async function listDeliveries(
  deps: Pick<WebhookDeps, 'db'>,
  environmentId: string,
  webhookId: string,
  q: {
    limit: number;
    cursor?: string | undefined;
    state?: 'pending' | 'sending' | 'delivered' | 'dead' | undefined;
  },
) {
  await requireWebhook(deps.db, environmentId, webhookId);
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await listDeliveryRows(deps.db, webhookId, { limit: q.limit, after, state: q.state });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(formatDelivery),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

/** Sends an event again as a new delivery (the old one keeps its history). */
export async function redeliver(
  deps: WebhookDeps,
  environmentId: string,
  webhookId: string,
  deliveryId: string,
) {
  await requireWebhook(deps.db, environmentId, webhookId);
  const old = await findDelivery(deps.db, webhookId, deliveryId);
  if (!old) throw new ApiError(404, 'not_found', `No delivery ${deliveryId} for webhook ${webhookId}`);
  const id = newId('dlv');
  const now = deps.clock ? deps.clock() : new Date();
  await insertDeliveries(deps.db, [{ id, webhookId, eventId: old.event_id, environmentId, dueAt: now }]);
  await kickWebhookDelivery(deps);
  return formatDelivery((await findDelivery(deps.db, webhookId, id))!);
}

/**
 * Sends every due delivery once. The delivery job calls it; tests call it with a chosen `now`
 * to make a retry due without waiting.
 */
export async function processWebhookDeliveries(
  deps: WebhookDeps,
  opts: { now?: Date; limit?: number } = {},
): Promise<{ claimed: number; delivered: number; retrying: number; dead: number }> {
  const policy = deps.deliveryPolicy ?? defaultDeliveryPolicy;
  const now = opts.now ?? (deps.clock ? deps.clock() : new Date());
  const limit = opts.limit ?? policy.batchSize;
  // The lease covers the whole batch at the worst: no delivery of it is claimed twice while this
  // pass runs, even when every endpoint takes its full timeout.
  const claimedUntil = new Date(now.getTime() + deliveryLeaseMs(policy, limit));
  const claimed = await deps.db
    .transaction()
    .execute((tx) => claimDueDeliveries(tx, now, claimedUntil, limit));
  const tally = { claimed: claimed.length, delivered: 0, retrying: 0, dead: 0 };
  let earliestRetry: Date | null = null;
  // Side by side, a bounded number at a time: one slow endpoint does not hold up the others.
  await mapLimit(claimed, policy.concurrency, async (d) => {
    const outcome = await deliverOnce(deps, d, policy);
    const attempts = d.attempts + 1;
    const decision = decideDelivery(outcome, { attempts, now, policy });
    const recorded = await recordDelivery(deps.db, d.id, claimedUntil, {
      state: decision.state,
      attempts,
      lastStatus: outcome.status,
      lastError: outcome.error,
      nextAttemptAt: decision.nextAttemptAt,
      deliveredAt: decision.state === 'delivered' ? new Date() : null,
    });
    if (!recorded) {
      deps.log.warn({ deliveryId: d.id }, 'webhook delivery was claimed again while it was being sent');
      return;
    }
    if (decision.state === 'delivered') tally.delivered++;
    else if (decision.state === 'dead') {
      tally.dead++;
      deps.log.warn(
        { deliveryId: d.id, webhookId: d.webhook_id, attempts, status: outcome.status },
        'webhook delivery gave up',
      );
    } else {
      tally.retrying++;
      if (decision.nextAttemptAt && (!earliestRetry || decision.nextAttemptAt < earliestRetry))
        earliestRetry = decision.nextAttemptAt;
    }
  });
  if (earliestRetry) await kickWebhookDelivery(deps, earliestRetry);
  return tally;
}

async function deliverOnce(
  deps: WebhookDeps,
  d: { id: string; webhook_id: string; event_id: string; environment_id: string; attempts: number },
  policy: DeliveryPolicy,
): Promise<{ status: number | null; retryAfterMs: number | null; error: string | null }> {
  const hook = await findWebhook(deps.db, d.environment_id, d.webhook_id);
  const event = await findEvent(deps.db, d.event_id);
  if (!hook || !event)
    return { status: 410, retryAfterMs: null, error: 'the webhook or its event no longer exists' };
  const envelope: WebhookEnvelope = {
    id: event.id,
    type: event.type,
    createdAt: event.created_at.toISOString(),
    environmentId: event.environment_id,
    data: event.data,
  };
  const body = JSON.stringify(envelope);
  let target;
  try {
    target = await deps.egress.check(hook.url);
  } catch (err) {
    return {
      status: null,
      retryAfterMs: null,
      error: `refused by the egress guard: ${(err as Error).message}`,
    };
  }
  const secret = deps.vault.open(hook.secret_sealed, hook.id);
  // The signature time is the real send time: consumers compare it with their own clock.
  const signature = signWebhookPayload(secret, body, Math.floor(Date.now() / 1000));
  const dispatcher = createPinnedDispatcher([target], { connections: 1, connectTimeoutMs: policy.timeoutMs });
  try {
    const res = await request(hook.url, {
      method: 'POST',
      dispatcher,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'x3bridge-webhooks/1',
        [SIGNATURE_HEADER]: signature,
        'x3bridge-event-id': event.id,
        'x3bridge-event-type': event.type,
        'x3bridge-delivery-id': d.id,
      },
      body,
      headersTimeout: policy.timeoutMs,
      bodyTimeout: policy.timeoutMs,
      // The phase timeouts above each restart; this bounds the whole exchange, as the lease assumes.
      signal: AbortSignal.timeout(policy.timeoutMs),
      maxRedirections: 0,
    } as Parameters<typeof request>[1]);
    await res.body.dump().catch(() => undefined);
    const retryAfter = res.headers['retry-after'];
    return {
      status: res.statusCode,
      retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, new Date()),
      error: res.statusCode >= 300 ? `the endpoint answered ${res.statusCode}` : null,
    };
  } catch (err) {
    return { status: null, retryAfterMs: null, error: `network error: ${(err as Error).message}` };
  } finally {
    void dispatcher.close().catch(() => undefined);
  }
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(createdAt.getTime())) throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw new ApiError(400, 'invalid_query', 'The cursor is not one this list gave out', { field: 'cursor' });
  }
}
