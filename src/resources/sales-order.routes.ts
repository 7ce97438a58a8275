import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import type { DbExecutor } from '../db/index.js';
import { ApiError, errorBody, errorResponses, x3ErrorToApiError } from '../http/errors.js';
import type { ApiInstance } from '../http/types.js';
import type { X3Client } from '../x3/index.js';
import { salesOrderCreateSchema, type SalesOrder } from '../x3/resources/sales-orders.js';
import {
  claimKey,
  idempotencyConflict,
  releaseKey,
  requestHash,
  requireIdempotencyKey,
  stillInProgress,
  storeAnswer,
  type StoredAnswer,
} from './idempotency.js';
import { salesOrderSchema } from './resource.models.js';
import { ambiguousOutcome, findOwnOrder } from './sales-order.reconcile.js';

type SalesOrderCreate = z.infer<typeof salesOrderCreateSchema>;

/**
 * An answer worth keeping for replays: a success, or a refusal that the same request would
 * get again. Failures that say nothing happened (X3 down, credentials broken) release the key
 * so that a retry with it can go through once X3 is back.
 */
function isFinal(status: number): boolean {
  return status < 500 && status !== 408 && status !== 409 && status !== 429;
}

/** Takes a stored uncertain outcome back to "in progress"; only one concurrent replay wins. */
async function reopenUncertain(
  db: DbExecutor,
  environmentId: string,
  scope: string,
  key: string,
): Promise<boolean> {
  const row = await db
    .updateTable('idempotency_records')
    .set({ status_code: null, response: null })
    .where('environment_id', '=', environmentId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('status_code', '=', 504)
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

function send(reply: FastifyReply, answer: StoredAnswer, replayed: boolean): FastifyReply {
  return reply.code(answer.statusCode).header('idempotent-replayed', String(replayed)).send(answer.body);
}

async function createOnce(
  db: DbExecutor,
  client: X3Client,
  environmentId: string,
  scope: string,
  key: string,
  body: SalesOrderCreate,
  reconcileSince: Date | null,
): Promise<StoredAnswer> {
  try {
    // After an uncertain outcome the order may exist under the reference, but so may other
    // customers' orders: only the one this request made is adopted, and doubt is never resolved
    // by guessing or by sending a second create.
    let order: SalesOrder | null = null;
    if (reconcileSince !== null) {
      const pick = await findOwnOrder(client.salesOrders, body.customerOrderReference, body, reconcileSince);
      if (pick.kind === 'ambiguous') throw ambiguousOutcome(body.customerOrderReference, pick);
      if (pick.kind === 'match') order = pick.order;
    }
    order ??= await client.salesOrders.create(body);
    const answer = { statusCode: 201, body: { ...order } };
    await storeAnswer(db, environmentId, scope, key, answer);
    return answer;
  } catch (err) {
    const apiError = x3ErrorToApiError(err) ?? (err instanceof ApiError ? err : null);
    if (!apiError) {
      await releaseKey(db, environmentId, scope, key);
      throw err;
    }
    const answer = {
      statusCode: apiError.status,
      body: errorBody(apiError.code, apiError.message, apiError.details),
    };
    if (isFinal(apiError.status) || apiError.code === 'outcome_uncertain') {
      await storeAnswer(db, environmentId, scope, key, answer);
    } else {
      await releaseKey(db, environmentId, scope, key);
    }
    throw apiError;
  }
}

export function registerSalesOrderCreate(api: ApiInstance, deps: AppDeps): void {
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
          'sent): the reference is free text, and another order carrying it is never taken for this one.',
        params: z.object({ id: z.string().min(1).max(100) }),
        headers: z.looseObject({ 'idempotency-key': z.string().optional() }),
        body: salesOrderCreateSchema,
        response: { 201: salesOrderSchema, ...errorResponses(400, 401, 404, 409, 422, 502, 503, 504) },
      },
    },
    async (request, reply) => {
      const environmentId = request.auth.environmentId;
      const key = requireIdempotencyKey(request.headers['idempotency-key']);
      const { client } = await deps.connections.get(environmentId, request.params.id);
      const db = deps.store.db;
      const scope = `sales-orders:${request.params.id}`;
      const claim = await claimKey(db, environmentId, scope, key, requestHash(request.body));
      if (claim.kind === 'conflict') throw idempotencyConflict();
      if (claim.kind === 'in_progress') throw stillInProgress();
      if (claim.kind === 'replay') {
        const uncertain = claim.answer.statusCode === 504;
        if (!uncertain || !(await reopenUncertain(db, environmentId, scope, key))) {
          return send(reply, claim.answer, true);
        }
        const answer = await createOnce(db, client, environmentId, scope, key, request.body, claim.claimedAt);
        return send(reply, answer, false);
      }
      const answer = await createOnce(
        db,
        client,
        environmentId,
        scope,
        key,
        request.body,
        claim.takenOver ? claim.claimedAt : null,
      );
      return send(reply, answer, false);
    },
  );
}
