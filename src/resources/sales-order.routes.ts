import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import type { DbExecutor } from '../db/index.js';
import { ApiError, errorBody, errorResponses, x3ErrorToApiError } from '../http/errors.js';
import type { ApiInstance } from '../http/types.js';
import type { X3Client } from '../x3/index.js';
import { salesOrderCreateSchema, type SalesOrder } from '../x3/resources/sales-orders.js';
import {
  claimKey,
  claimWindowMs,
  idempotencyConflict,
  releaseKey,
  renewClaim,
  reopenUncertain,
  requestHash,
  requireIdempotencyKey,
  stillInProgress,
  storeAnswer,
  type StoredAnswer,
} from './idempotency.js';
import { salesOrderSchema } from './resource.models.js';
import { ambiguousOutcome, findOwnOrder } from './sales-order.reconcile.js';
import type { UseX3 } from './x3-call.js';

type SalesOrderCreate = z.infer<typeof salesOrderCreateSchema>;

/**
 * An answer worth keeping for replays: a success, or a refusal that the same request would
 * get again. Failures that say nothing happened (X3 down, credentials broken) release the key
 * so that a retry with it can go through once X3 is back.
 */
function isFinal(status: number): boolean {
  return status < 500 && status !== 408 && status !== 409 && status !== 429;
}

function send(reply: FastifyReply, answer: StoredAnswer, replayed: boolean): FastifyReply {
  return reply.code(answer.statusCode).header('idempotent-replayed', String(replayed)).send(answer.body);
}

/** One held claim on an Idempotency-Key: everything recorded under it names its token. */
interface Held {
  db: DbExecutor;
  environmentId: string;
  scope: string;
  key: string;
  token: string;
  windowMs: number;
  log: Pick<FastifyBaseLogger, 'warn'>;
}

/**
 * Renews the claim while `work` runs (a create can wait long in the client's queue), so that
 * only a claim whose holder is gone ever lapses.
 */
async function whileHeld<T>(held: Held, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(
    () => {
      renewClaim(held.db, held.environmentId, held.scope, held.key, held.token, held.windowMs).then(
        (kept) => {
          if (!kept)
            held.log.warn({ scope: held.scope }, 'idempotency claim was taken over while its create ran');
        },
        (err: unknown) => held.log.warn({ err, scope: held.scope }, 'idempotency claim could not be renewed'),
      );
    },
    Math.max(1_000, Math.floor(held.windowMs / 4)),
  );
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

async function record(held: Held, answer: StoredAnswer): Promise<void> {
  const stored = await storeAnswer(held.db, held.environmentId, held.scope, held.key, held.token, answer);
  // A newer claimant owns the key now; its outcome stands, this caller still hears its own.
  if (!stored) held.log.warn({ scope: held.scope }, 'idempotency claim was taken over; answer not recorded');
}

async function createOnce(
  held: Held,
  client: X3Client,
  body: SalesOrderCreate,
  reconcileSince: Date | null,
): Promise<StoredAnswer> {
  try {
    // After an uncertain outcome the order may exist under the reference, but so may other
    // customers' orders: only the one this request made is adopted, and doubt is never resolved
    // by guessing or by sending a second create.
    const order = await whileHeld(held, async (): Promise<SalesOrder> => {
      if (reconcileSince !== null) {
        const pick = await findOwnOrder(
          client.salesOrders,
          body.customerOrderReference,
          body,
          reconcileSince,
        );
        if (pick.kind === 'ambiguous') throw ambiguousOutcome(body.customerOrderReference, pick);
        if (pick.kind === 'match') return pick.order;
      }
      return client.salesOrders.create(body);
    });
    const answer = { statusCode: 201, body: { ...order } };
    await record(held, answer);
    return answer;
  } catch (err) {
    const apiError = x3ErrorToApiError(err) ?? (err instanceof ApiError ? err : null);
    if (!apiError) {
      await releaseKey(held.db, held.environmentId, held.scope, held.key, held.token);
      throw err;
    }
    const answer = {
      statusCode: apiError.status,
      body: errorBody(apiError.code, apiError.message, apiError.details),
    };
    if (isFinal(apiError.status) || apiError.code === 'outcome_uncertain') {
      await record(held, answer);
    } else {
      await releaseKey(held.db, held.environmentId, held.scope, held.key, held.token);
    }
    throw apiError;
  }
}

export function registerSalesOrderCreate(api: ApiInstance, deps: AppDeps, useX3: UseX3): void {
  api.post(
    '/v1/connections/:id/sales-orders',
    {
      schema: {
        tags: ['sales orders'],
        summary: 'Create a sales order in X3, once per Idempotency-Key',
        description:
          'Needs an `Idempotency-Key` header. The same key with the same body replays the first answer ' +
          '(header `Idempotent-Replayed: true`); with another body it answers 409 idempotency_conflict. ' +
          'After 504 outcome_uncertain, retrying with the same key looks the order up by its ' +
          'customerOrderReference before creating anything, and adopts only an order with the same customer and the ' +
          'same item and quantity lines, made after the key was first used. Orders under that reference that do not ' +
          'match, or several that do, answer 504 outcome_uncertain again with `details.candidates` (and nothing is ' +
          'sent): the reference is free text, and another order carrying it is never taken for this one. ' +
          'While a request with a key runs, the same key answers 409 conflict (retry shortly); a key whose request ' +
          'never finished (its process stopped) is taken over only after the longest one create can take on this ' +
          'connection (from its timeoutMs), and that takeover also looks the order up first.',
        params: z.object({ id: z.string().min(1).max(100) }),
        headers: z.looseObject({ 'idempotency-key': z.string().optional() }),
        body: salesOrderCreateSchema,
        response: { 201: salesOrderSchema, ...errorResponses(400, 401, 404, 409, 422, 502, 503, 504) },
      },
    },
    async (request, reply) => {
      const environmentId = request.auth.environmentId;
      const key = requireIdempotencyKey(request.headers['idempotency-key']);
      const answer = await useX3(request, request.params.id, async (client, connection, noX3Call) => {
        const db = deps.store.db;
        const scope = `sales-orders:${request.params.id}`;
        const windowMs = claimWindowMs(connection.settings);
        const claim = await claimKey(db, environmentId, scope, key, requestHash(request.body), windowMs);
        if (claim.kind === 'conflict') throw idempotencyConflict();
        if (claim.kind === 'in_progress') throw stillInProgress();
        const base = { db, environmentId, scope, key, windowMs, log: request.log };
        if (claim.kind === 'replay') {
          const token =
            claim.answer.statusCode === 504
              ? await reopenUncertain(db, environmentId, scope, key, windowMs)
              : null;
          if (token === null) {
            noX3Call();
            return { ...claim.answer, replayed: true };
          }
          return {
            ...(await createOnce({ ...base, token }, client, request.body, claim.claimedAt)),
            replayed: false,
          };
        }
        const since = claim.takenOver ? claim.claimedAt : null;
        const made = await createOnce({ ...base, token: claim.token }, client, request.body, since);
        return { ...made, replayed: false };
      });
      return send(reply, answer, answer.replayed);
    },
  );
}
