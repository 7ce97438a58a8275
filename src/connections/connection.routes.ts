import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { ApiError, errorResponses } from '../http/errors.js';
import type { ApiInstance } from '../http/types.js';
import type { Vault } from '../secrets/index.js';
import { kickWebhookDelivery } from '../webhooks/webhook.service.js';
import { emitStatusChanged } from './connection.events.js';
import {
  checkResultSchema,
  connectionApiSchema,
  connectionCreatedSchema,
  connectionCreateSchema,
  connectionListSchema,
  connectionPatchSchema,
  checkStepSchema,
} from './connection.js';
import { formatConnection } from './connection.formatter.js';
import * as service from './connection.service.js';
import { strictQuery } from './strict-schema.js';

export function actorOf(request: FastifyRequest): service.Actor {
  return { environmentId: request.auth.environmentId, actor: request.auth.apiKeyId };
}

/** The service's collaborators, from the app's. */
export function connectionServiceDeps(deps: AppDeps): service.ConnectionServiceDeps {
  return {
    db: deps.store.db,
    vault: deps.vault,
    access: deps.connections.access,
    clients: deps.connections,
    log: deps.log,
    onStatusChange: emitStatusChanged,
    afterStatusChange: () => kickWebhookDelivery({ jobs: deps.jobs, log: deps.log }),
  };
}

const idParams = z.object({ id: z.string().min(1).max(100) });
const listQuery = strictQuery({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(2000).optional(),
});

const TAGS = ['connections'];
const CURSOR_SCOPE = 'cursor:connections';

function encodeCursor(vault: Vault, environmentId: string, p: { createdAt: Date; id: string }): string {
  return vault.seal(JSON.stringify([p.createdAt.toISOString(), p.id]), `${CURSOR_SCOPE}:${environmentId}`);
}

function decodeCursor(vault: Vault, environmentId: string, cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = z
      .tuple([z.iso.datetime(), z.string().max(100)])
      .parse(JSON.parse(vault.open(cursor, `${CURSOR_SCOPE}:${environmentId}`)));
    return { createdAt: new Date(at), id };
  } catch {
    throw new ApiError(
      400,
      'invalid_query',
      'The cursor is not valid: pass back the nextCursor of the previous page.',
      {
        fields: [{ field: 'cursor', message: 'not a cursor of this list' }],
      },
    );
  }
}

/** The connection wizard and the connection records: /v1/connections… */
export async function connectionRoutes(api: ApiInstance, deps: AppDeps): Promise<void> {
  const svc = connectionServiceDeps(deps);

  api.post(
    '/v1/connections/check',
    {
      schema: {
        tags: TAGS,
        summary: 'Dry run of the wizard: mint a token and read one customer; stores nothing',
        body: connectionCreateSchema,
        response: { 200: checkResultSchema, ...errorResponses(400, 401, 422) },
      },
    },
    async (request) => {
      actorOf(request);
      return service.checkNewConnection(svc, request.body);
    },
  );

  api.post(
    '/v1/connections',
    {
      schema: {
        tags: TAGS,
        summary: 'Connect an X3 folder: the checks of the dry run, then the connection is stored',
        description:
          'Answers 201 with each check step and its timing, or 422 with the failing step in `details.checks` (nothing is stored).',
        body: connectionCreateSchema,
        response: { 201: connectionCreatedSchema, ...errorResponses(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const { connection, checks } = await service.createConnection(svc, actorOf(request), request.body);
      return reply.code(201).send({ ...formatConnection(connection), checks });
    },
  );

  api.get(
    '/v1/connections',
    {
      schema: {
        tags: TAGS,
        summary: 'List connections, newest first',
        querystring: listQuery,
        response: { 200: connectionListSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const who = actorOf(request);
      const after = request.query.cursor
        ? decodeCursor(deps.vault, who.environmentId, request.query.cursor)
        : null;
      const page = await service.listConnections(svc.db, who.environmentId, request.query.limit, after);
      return {
        data: page.data.map(formatConnection),
        nextCursor: page.next ? encodeCursor(deps.vault, who.environmentId, page.next) : null,
      };
    },
  );

  api.get(
    '/v1/connections/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'One connection (never any secret; the client id shows masked)',
        params: idParams,
        response: { 200: connectionApiSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const who = actorOf(request);
      return formatConnection(await service.getConnection(svc.db, who.environmentId, request.params.id));
    },
  );

  api.patch(
    '/v1/connections/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Rename, move to a new address or folder, change settings or rotate credentials',
        description:
          'Only the fields given change. A new `baseUrl` (the X3 server moved), `folder` or `auth` is checked before ' +
          'anything is saved, like the wizard: the address goes through the same host checks (no private address ' +
          'unless allowed), a token is minted and one customer is read, with the stored credentials unless new ones ' +
          'are given. On success the answer carries `checks` and the connection keeps its id, mappings and quotes; ' +
          'on failure it is 422 with the failing step in `details.checks` and nothing changes. An explicit ' +
          '`auth.tokenUrl` is not moved with `baseUrl`: send `auth` too when the token endpoint moved with it. ' +
          'Unknown fields answer 400 invalid_body.',
        params: idParams,
        body: connectionPatchSchema,
        response: {
          200: connectionApiSchema.extend({ checks: z.array(checkStepSchema).nullable() }),
          ...errorResponses(400, 401, 404, 409, 422),
        },
      },
    },
    async (request) => {
      const { connection, checks } = await service.patchConnection(
        svc,
        actorOf(request),
        request.params.id,
        request.body,
      );
      return { ...formatConnection(connection), checks };
    },
  );

  api.delete(
    '/v1/connections/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Remove a connection and its stored credentials',
        params: idParams,
        description:
          'Refused with 409 `conflict` (listing `details.quoteIds`) while quotes on the connection are still pending for X3: deleting it would drop them without `order.failed`.',
        response: { 204: z.null().describe('Deleted'), ...errorResponses(401, 404, 409) },
      },
    },
    async (request, reply) => {
      await service.deleteConnection(svc, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/v1/connections/:id/check',
    {
      schema: {
        tags: TAGS,
        summary: 'Health check now: runs the checks and records the status',
        params: idParams,
        response: {
          200: checkResultSchema.extend({ id: z.string(), connection: connectionApiSchema }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      const { connection, checks } = await service.recheckConnection(
        svc,
        actorOf(request),
        request.params.id,
      );
      return {
        id: connection.id,
        status: connection.status,
        checks,
        connection: formatConnection(connection),
      };
    },
  );
}
