import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { errorResponses } from '../http/errors.js';
import type { ApiInstance } from '../http/types.js';
import { orderServices } from '../orders/order.deps.js';
import {
  createdWebhookSchema,
  createWebhookBodySchema,
  deliveryListQuerySchema,
  deliveryListSchema,
  deliverySchema,
  webhookListSchema,
} from './webhook.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, redeliver } from './webhook.service.js';

const TAGS = ['webhooks'];
const idParams = z.object({ id: z.string().min(1).max(100) });

const SIGNING = [
  'Each delivery is a POST of `{ id, type, createdAt, environmentId, data }` with the header',
  '`X3bridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`.',
  'To verify: recompute the HMAC over the raw body, compare in constant time, and reject a `t` more than',
  'five minutes from your clock (replays). `verifyWebhookSignature` from the x3bridge package does all three.',
  'Answer 2xx quickly; 408, 429 (with `Retry-After`), 5xx and network errors are retried with backoff, other answers are final.',
].join(' ');

export async function webhookRoutes(api: ApiInstance, deps: AppDeps): Promise<void> {
  const { webhooks } = orderServices(deps);

  api.post(
    '/v1/webhooks',
    {
      schema: {
        tags: TAGS,
        summary: 'Register an endpoint for order.created, order.failed and connection.status_changed',
        description: `The answer carries the signing secret; it is shown this once only. ${SIGNING}`,
        body: createWebhookBodySchema,
        response: { 201: createdWebhookSchema, ...errorResponses(400, 401, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createWebhook(webhooks, request.auth.environmentId, request.body)),
  );

  api.get(
    '/v1/webhooks',
    {
      schema: {
        tags: TAGS,
        summary: 'List webhook endpoints, newest first (never the secret)',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().optional(),
        }),
        response: { 200: webhookListSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => listWebhooks(webhooks, request.auth.environmentId, request.query),
  );

  api.delete(
    '/v1/webhooks/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Remove an endpoint and its pending deliveries',
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      await deleteWebhook(webhooks, request.auth.environmentId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags: TAGS,
        summary: 'Deliveries to an endpoint, newest first, with their state (pending, delivered, dead)',
        params: idParams,
        querystring: deliveryListQuerySchema,
        response: { 200: deliveryListSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => listDeliveries(webhooks, request.auth.environmentId, request.params.id, request.query),
  );

  api.post(
    '/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags: TAGS,
        summary: 'Send a delivery’s event again, as a new delivery',
        params: z.object({ id: z.string().min(1).max(100), deliveryId: z.string().min(1).max(100) }),
        response: { 202: deliverySchema, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await redeliver(webhooks, request.auth.environmentId, request.params.id, request.params.deliveryId),
        ),
  );
}
