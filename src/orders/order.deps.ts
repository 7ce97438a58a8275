import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../app.js';
import { createEgressGuard } from '../egress/index.js';
import type { WebhookDeps } from '../webhooks/webhook.service.js';
import {
  ORDER_ATTEMPT_QUEUE,
  ORDER_SWEEP_QUEUE,
  attemptQuote,
  processPendingQuotes,
  type OrderConnectionSource,
  type OrderDeps,
} from './order.service.js';
import { WEBHOOK_DELIVER_QUEUE, processWebhookDeliveries } from '../webhooks/webhook.service.js';

const built = new WeakMap<AppDeps, { orders: OrderDeps; webhooks: WebhookDeps }>();

/**
 * The order and webhook services' collaborators, built once per app: the in-process single
 * flight of quote attempts is keyed on this object, so every route and job must share it.
 */
export function orderServices(deps: AppDeps): { orders: OrderDeps; webhooks: WebhookDeps } {
  let s = built.get(deps);
  if (!s) {
    const workerId = `w_${randomBytes(6).toString('hex')}`;
    s = {
      orders: {
        db: deps.store.db,
        connections: deps.connections as unknown as OrderConnectionSource,
        log: deps.log,
        jobs: deps.jobs,
        workerId,
      },
      webhooks: {
        db: deps.store.db,
        vault: deps.vault,
        log: deps.log,
        jobs: deps.jobs,
        egress: createEgressGuard({ allowPrivateHosts: deps.config.allowPrivateHosts }),
      },
    };
    built.set(deps, s);
  }
  return s;
}

/** The retry job's payload; `v` versions it. */
export interface OrderAttemptJob {
  v: number;
  connectionId: string;
  quoteId: string;
  environmentId: string;
}

/** What the retry worker does with one job: the quote's next attempt, if it is due. */
export async function runOrderAttemptJob(orders: OrderDeps, job: OrderAttemptJob): Promise<void> {
  await attemptQuote(
    orders,
    { connectionId: job.connectionId, quoteId: job.quoteId },
    { environmentId: job.environmentId },
  );
}

/** Declares the retry, sweep and delivery queues; workers run where the app's jobs run them. */
export async function defineOrderJobs(deps: AppDeps): Promise<void> {
  const { orders, webhooks } = orderServices(deps);
  await deps.jobs.define<OrderAttemptJob>({
    name: ORDER_ATTEMPT_QUEUE,
    handler: async (jobs) => {
      for (const job of jobs) await runOrderAttemptJob(orders, job.data);
    },
  });
  await deps.jobs.define({
    name: ORDER_SWEEP_QUEUE,
    handler: async () => {
      await processPendingQuotes(orders);
      await processWebhookDeliveries(webhooks);
    },
  });
  await deps.jobs.define({
    name: WEBHOOK_DELIVER_QUEUE,
    handler: async () => {
      await processWebhookDeliveries(webhooks);
    },
  });
}

/** The minute sweep catches quotes and deliveries whose job was lost; pg-boss cron needs a started queue. */
export async function scheduleSweep(deps: AppDeps): Promise<void> {
  if (!deps.jobs.runsWorkers) return;
  try {
    await deps.jobs.boss.schedule(ORDER_SWEEP_QUEUE, '* * * * *', { v: 1 });
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'could not schedule the order and webhook sweep');
  }
}
