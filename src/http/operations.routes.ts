import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { ApiError, errorResponses } from './errors.js';
import type { ApiInstance } from './types.js';

const statusSchema = z.object({ status: z.string() });

/** Probes for orchestrators and Prometheus; unauthenticated, like every path outside /v1. */
export async function operationsRoutes(app: ApiInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['Operations'],
        summary: 'The process is up',
        security: [],
        response: { 200: statusSchema },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['Operations'],
        summary: 'The database answers',
        security: [],
        response: { 200: statusSchema, ...errorResponses(503) },
      },
    },
    async (request) => {
      try {
        await deps.store.executeSql('select 1');
        return { status: 'ready' };
      } catch (err) {
        request.log.warn({ err }, 'readiness check: the database did not answer');
        throw new ApiError(503, 'not_ready', 'The database is not reachable.');
      }
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Prometheus metrics',
        security: [],
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    },
  );
}
