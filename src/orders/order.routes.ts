import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { errorResponses } from '../http/errors.js';
import type { ApiInstance } from '../http/types.js';
import {
  acceptQuoteBodySchema,
  acceptQuoteResponseSchema,
  quoteDetailSchema,
  quoteListQuerySchema,
  quoteListSchema,
} from './order.js';
import { defineOrderJobs, orderServices, scheduleSweep } from './order.deps.js';
import { acceptQuote, getQuote, listQuotes } from './order.service.js';
import { getConnection } from '../connections/connection.service.js';

const TAGS = ['quotes'];
// Longer ids are refused in the handler with a message about X3's 30-character CUSORDREF.
const quoteParams = z.object({ id: z.string().min(1).max(100), quoteId: z.string().min(1).max(200) });

export async function orderRoutes(api: ApiInstance, deps: AppDeps): Promise<void> {
  const { orders } = orderServices(deps);
  await defineOrderJobs(deps);
  api.addHook('onListen', async () => {
    await scheduleSweep(deps);
  });

  api.post(
    '/v1/connections/:id/quotes/:quoteId/accept',
    {
      schema: {
        tags: TAGS,
        summary: 'Turn an accepted quote into an X3 sales order, exactly once',
        description: [
          'The quote id becomes the order’s customer reference (CUSORDREF, at most 30 characters) and the idempotency key.',
          'The body is strict: an unknown field is a 400 `invalid_body` naming it. Prices may be numbers or decimal text; `0.42` and `"0.42"` are the same quote.',
          '201: the order was created now. 200 with `replayed: true`: the same call was made before (same order number).',
          '202 with status `pending`: X3 could not take it now (unreachable, overloaded, or another process is sending it this moment); the quote is stored, a job retries with growing waits, looking the order up before every retry, and an `order.created` or `order.failed` webhook tells the outcome. The answer’s status is only ever `created` or `pending`; GET …/quotes/{quoteId} also shows `sending` and `failed`.',
          'Retries end after 50 attempts or 24 hours: the quote is then failed with `x3_unavailable` and `order.failed` is sent.',
          'A stored connection whose credentials X3 refuses answers 502 `x3_auth_failed` (or `x3_permission_denied`) before anything is stored: fix the connection and accept again.',
          '422 `unmapped_codes` lists every unmapped product code and customer account; 422 `invalid_input` names every line X3 would refuse (quantity, date, site, blocked customer, inactive item), and refuses a quote id that X3 already carries on another order (`details.conflictingOrders`).',
          '409 `idempotency_conflict` when the quote id was accepted with another body.',
          'A failed quote answers with its error’s usual status: 422 `x3_rejected` with X3’s diagnoses, 409 `conflict` when X3 holds its reference on orders that are not its own (`details.conflictingOrders`; neither adopted nor sent), 503 `x3_unavailable` when the retries ran out; `details.status` is `failed`.',
          'A failed quote may be accepted again under the same id, with a corrected body, or with the same body unless X3 refused that very order: it is checked afresh and sent, and its earlier attempts stay in its log.',
        ].join(' '),
        params: quoteParams,
        body: acceptQuoteBodySchema,
        response: {
          200: acceptQuoteResponseSchema,
          201: acceptQuoteResponseSchema,
          202: acceptQuoteResponseSchema,
          ...errorResponses(400, 401, 404, 409, 422, 502, 503, 504),
        },
      },
    },
    async (request, reply) => {
      const result = await acceptQuote(orders, {
        environmentId: request.auth.environmentId,
        connectionId: request.params.id,
        quoteId: request.params.quoteId,
        body: request.body,
      });
      return reply.code(result.statusCode).send(result.body);
    },
  );

  api.get(
    '/v1/connections/:id/quotes/:quoteId',
    {
      schema: {
        tags: TAGS,
        summary: 'A quote’s order: status, order number, every attempt and the last error',
        params: quoteParams,
        response: { 200: quoteDetailSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      await getConnection(orders.db, request.auth.environmentId, request.params.id);
      return getQuote(orders, { connectionId: request.params.id, quoteId: request.params.quoteId });
    },
  );

  api.get(
    '/v1/connections/:id/quotes',
    {
      schema: {
        tags: TAGS,
        summary: 'The order log: accepted quotes, newest first',
        params: z.object({ id: z.string().min(1).max(100) }),
        querystring: quoteListQuerySchema,
        response: { 200: quoteListSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      await getConnection(orders.db, request.auth.environmentId, request.params.id);
      return listQuotes(orders, request.params.id, request.query);
    },
  );
}
