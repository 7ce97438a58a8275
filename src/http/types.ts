import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app.js';
import type { RequestAuth } from '../environments/environment.js';

/** The Fastify instance route plugins receive: zod schemas type params, query, body and replies. */
export type ApiInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** A capability's routes. Paths are absolute (`/v1/connections/...`); every /v1 path is authenticated. */
export type RoutePlugin = (app: ApiInstance, deps: AppDeps) => Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller of an authenticated /v1 route; reading it elsewhere throws. */
    auth: RequestAuth;
  }
}
