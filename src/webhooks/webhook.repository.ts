import { sql } from 'kysely';
import type { DbExecutor } from '../db/index.js';
import type { DeliveryState, WebhookEventType } from './webhook.js';

export async function insertWebhook(
  db: DbExecutor,
  w: {
    id: string;
    environmentId: string;
    url: string;
    events: WebhookEventType[];
    description: string | null;
    secretSealed: string;
  },
) {
  return db
    .insertInto('webhooks')
    .values({
      id: w.id,
      environment_id: w.environmentId,
      url: w.url,
      events: JSON.stringify(w.events),
      description: w.description,
      secret_sealed: w.secretSealed,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findWebhook(db: DbExecutor, environmentId: string, id: string) {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
}
export type WebhookRow = NonNullable<Awaited<ReturnType<typeof findWebhook>>>;

export async function listWebhookRows(
  db: DbExecutor,
  environmentId: string,
  opts: { limit: number; after?: { createdAt: Date; id: string } | null },
) {
  let q = db.selectFrom('webhooks').selectAll().where('environment_id', '=', environmentId);
  if (opts.after) q = q.where(sql<boolean>`(created_at, id) < (${opts.after.createdAt}, ${opts.after.id})`);
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit + 1)
    .execute();
}

export async function deleteWebhookRow(db: DbExecutor, environmentId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('webhooks')
    .where('environment_id', '=', environmentId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Webhooks of the environment that want this event type. */
export async function subscribedWebhooks(db: DbExecutor, environmentId: string, type: WebhookEventType) {
  return db
    .selectFrom('webhooks')
    .select(['id'])
    .where('environment_id', '=', environmentId)
    .where(sql<boolean>`events @> ${JSON.stringify([type])}::jsonb`)
    .execute();
}

export async function insertEvent(
  db: DbExecutor,
  e: { id: string; environmentId: string; type: WebhookEventType; data: unknown; createdAt: Date },
) {
  await db
    .insertInto('webhook_events')
    .values({
      id: e.id,
      environment_id: e.environmentId,
      type: e.type,
      data: JSON.stringify(e.data),
      created_at: e.createdAt,
    })
    .execute();
}

export async function insertDeliveries(
  db: DbExecutor,
  rows: Array<{ id: string; webhookId: string; eventId: string; environmentId: string; dueAt: Date }>,
) {
  if (rows.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(
      rows.map((r) => ({
        id: r.id,
        webhook_id: r.webhookId,
        event_id: r.eventId,
        environment_id: r.environmentId,
        state: 'pending' as const,
        next_attempt_at: r.dueAt,
        created_at: r.dueAt,
      })),
    )
    .execute();
}

/** Claims due deliveries for this worker; `skip locked` lets several workers claim side by side. */
export async function claimDueDeliveries(db: DbExecutor, now: Date, leaseUntil: Date, limit: number) {
  const due = await db
    .selectFrom('webhook_deliveries')
    .select(['id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('state', '=', 'sending'), eb('lease_until', '<=', now)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  if (due.length === 0) return [];
  return db
    .updateTable('webhook_deliveries')
    .set({ state: 'sending', lease_until: leaseUntil })
    .where(
      'id',
      'in',
      due.map((d) => d.id),
    )
    .returningAll()
    .execute();
}

export async function findEvent(db: DbExecutor, id: string) {
  return db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Records a delivery's try, only while the claim that sent it still holds it (its lease, which
 * each claim sets anew, names the claim); false when another pass claimed it since.
 */
export async function recordDelivery(
  db: DbExecutor,
  id: string,
  claimedUntil: Date,
  r: {
    state: DeliveryState;
    attempts: number;
    lastStatus: number | null;
    lastError: string | null;
    nextAttemptAt: Date | null;
    deliveredAt: Date | null;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({
      state: r.state,
      attempts: r.attempts,
      last_status: r.lastStatus,
      last_error: r.lastError,
      next_attempt_at: r.nextAttemptAt,
      delivered_at: r.deliveredAt,
      lease_until: null,
    })
    .where('id', '=', id)
    .where('state', '=', 'sending')
    .where('lease_until', '=', claimedUntil)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listDeliveryRows(
  db: DbExecutor,
  webhookId: string,
  opts: { limit: number; after?: { createdAt: Date; id: string } | null; state?: DeliveryState | undefined },
) {
  let q = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.webhook_id', '=', webhookId);
  if (opts.state) q = q.where('d.state', '=', opts.state);
  if (opts.after)
    q = q.where(sql<boolean>`(d.created_at, d.id) < (${opts.after.createdAt}, ${opts.after.id})`);
  return q
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(opts.limit + 1)
    .execute();
}
export type DeliveryRow = Awaited<ReturnType<typeof listDeliveryRows>>[number];

export async function findDelivery(db: DbExecutor, webhookId: string, id: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.webhook_id', '=', webhookId)
    .where('d.id', '=', id)
    .executeTakeFirst();
}

/**
 * Where webhook signing secrets are sealed, in the shape `rotateSealedColumn` takes: `keys rotate`
 * must re-wrap these as well as connection credentials.
 */
export const WEBHOOK_SECRETS = { table: 'webhooks', idColumn: 'id', sealedColumn: 'secret_sealed' } as const;
