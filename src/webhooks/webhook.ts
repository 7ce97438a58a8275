import { z } from 'zod';

export const webhookEventTypes = ['order.created', 'order.failed', 'connection.status_changed'] as const;
export const webhookEventTypeSchema = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

export const createWebhookBodySchema = z.strictObject({
  url: z.string().url().max(2000),
  events: z.array(webhookEventTypeSchema).min(1),
  description: z.string().max(200).optional(),
});
export type CreateWebhookBody = z.infer<typeof createWebhookBodySchema>;

export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  description: z.string().nullable(),
  createdAt: z.string(),
});
export type WebhookApi = z.infer<typeof webhookSchema>;

/** Only the create answer carries the secret; it is never shown again. */
export const createdWebhookSchema = webhookSchema.extend({ secret: z.string() });

export const webhookListSchema = z.object({
  data: z.array(webhookSchema),
  nextCursor: z.string().nullable(),
});

export const deliveryStateSchema = z.enum(['pending', 'sending', 'delivered', 'dead']);
export type DeliveryState = z.infer<typeof deliveryStateSchema>;

export const deliverySchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  eventType: webhookEventTypeSchema,
  state: deliveryStateSchema,
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
export type DeliveryApi = z.infer<typeof deliverySchema>;
export const deliveryListSchema = z.object({
  data: z.array(deliverySchema),
  nextCursor: z.string().nullable(),
});
export const deliveryListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
  state: deliveryStateSchema.optional(),
});

/** The JSON body every delivery carries. */
export interface WebhookEnvelope {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  environmentId: string;
  data: unknown;
}

export interface DeliveryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** One delivery's whole HTTP exchange, connect to last byte. */
  timeoutMs: number;
  /** The shortest lease on claimed deliveries; the lease taken covers the batch (see `deliveryLeaseMs`). */
  leaseMs: number;
  /** Deliveries claimed per pass, and how many of them are sent at once. */
  batchSize: number;
  concurrency: number;
}

export const defaultDeliveryPolicy: DeliveryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 10_000,
  maxDelayMs: 6 * 3_600_000,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  batchSize: 32,
  concurrency: 8,
};

/** Headroom per delivery beyond its HTTP deadline: the endpoint's DNS check, reads and the record. */
const DELIVERY_OVERHEAD_MS = 5_000;

/**
 * A lease strictly longer than a pass over `claimed` deliveries can take when every one of them
 * runs to its deadline, `concurrency` at a time: a claimed delivery is never claimed again while
 * its sender lives.
 */
export function deliveryLeaseMs(policy: DeliveryPolicy, claimed = policy.batchSize): number {
  const rounds = Math.ceil(Math.max(1, claimed) / Math.max(1, policy.concurrency));
  return Math.max(policy.leaseMs, rounds * (policy.timeoutMs + DELIVERY_OVERHEAD_MS) + 30_000);
}

/** Network errors, 5xx, 408 and 429 are worth another try; other answers are final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `now`; null when absent or bad. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

export function deliveryBackoffMs(
  attempts: number,
  policy: DeliveryPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (0.75 + 0.25 * random()));
}

/** After one delivery try: delivered, dead (attempts used up or a final answer), or retry at a time. */
export function decideDelivery(
  result: { status: number | null; retryAfterMs: number | null },
  ctx: { attempts: number; now: Date; policy: DeliveryPolicy; random?: () => number },
): { state: 'delivered' | 'dead' | 'pending'; nextAttemptAt: Date | null } {
  if (result.status !== null && result.status >= 200 && result.status < 300) {
    return { state: 'delivered', nextAttemptAt: null };
  }
  const retryable = result.status === null || isRetryableStatus(result.status);
  if (!retryable || ctx.attempts >= ctx.policy.maxAttempts) return { state: 'dead', nextAttemptAt: null };
  const delay = Math.max(deliveryBackoffMs(ctx.attempts, ctx.policy, ctx.random), result.retryAfterMs ?? 0);
  return { state: 'pending', nextAttemptAt: new Date(ctx.now.getTime() + delay) };
}
