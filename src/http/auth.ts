import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.js';
import type { RequestAuth } from '../environments/environment.js';
import { createApiKeyAuthenticator, createUsageRecorder } from '../environments/environment.service.js';
import { ApiError } from './errors.js';

const AUTH = Symbol('auth');

export function isApiPath(url: string): boolean {
  return url === '/v1' || url.startsWith('/v1/') || url.startsWith('/v1?');
}

export interface AuthOptions {
  /**
   * How long a key found in the database is accepted without looking again (default 5 s).
   * A key revoked in this process is refused at once; one revoked by another process is
   * refused here at the latest this long after.
   */
  keyCacheTtlMs?: number;
  /** Clock in ms for the key cache and the last-used writes (tests move it by hand). */
  now?: () => number;
}

/**
 * Authenticates every /v1 request from `Authorization: Bearer <api key>` (hashed lookup, kept
 * in memory for a few seconds) and sets `request.auth`. Runs before routing decisions are
 * visible to the caller, so an unknown /v1 path answers 401 to a stranger rather than
 * revealing which paths exist. `last_used_at` is written at most once a minute per key, never
 * awaited by the request.
 */
export function registerAuth(
  app: FastifyInstance,
  db: Db,
  options: AuthOptions = {},
): { flush(): Promise<void> } {
  const clock = options.now ? { now: options.now } : {};
  const usage = createUsageRecorder(db, {
    ...clock,
    onError: (err) => app.log.warn({ err }, 'could not record when an API key was last used'),
  });
  const keys = createApiKeyAuthenticator(db, {
    ...clock,
    ...(options.keyCacheTtlMs === undefined ? {} : { ttlMs: options.keyCacheTtlMs }),
  });
  app.addHook('onClose', async () => keys.close());
  app.decorateRequest('auth', {
    getter(this: FastifyRequest & { [AUTH]?: RequestAuth }) {
      const auth = this[AUTH];
      if (!auth) throw new Error('request.auth read on a route that is not authenticated');
      return auth;
    },
    setter(this: FastifyRequest & { [AUTH]?: RequestAuth }, value: RequestAuth) {
      this[AUTH] = value;
    },
  });
  app.addHook('onRequest', async (request) => {
    // Either the matched route (the router decodes percent-escapes, so `/%761/me` is /v1/me)
    // or the raw URL (paths that only the 404 handler or the UI's wildcard match) makes it an API call.
    const route = request.routeOptions.url;
    if (!isApiPath(request.url) && !(route && isApiPath(route))) return;
    const header = request.headers.authorization;
    if (!header) {
      throw new ApiError(
        401,
        'unauthorized',
        'Send your API key in the Authorization header: "Bearer x3b_live_…".',
        undefined,
        {
          headers: { 'www-authenticate': 'Bearer' },
        },
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new ApiError(
        401,
        'unauthorized',
        'The Authorization header must be "Bearer" followed by your API key.',
        undefined,
        {
          headers: { 'www-authenticate': 'Bearer' },
        },
      );
    }
    const found = await keys.authenticate(match[1]!);
    if (!found) {
      throw new ApiError(
        401,
        'unauthorized',
        'This API key is not valid: it is unknown or has been revoked.',
        undefined,
        {
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        },
      );
    }
    request.auth = { environmentId: found.environmentId, apiKeyId: found.apiKeyId };
    const who = { environmentId: found.environmentId, apiKeyId: found.apiKeyId };
    // The request's logger is already its own child: adding bindings to it costs far less than
    // a child of the child on every request. The root logger itself is never changed.
    const log = request.log as typeof request.log & { setBindings?: (bindings: object) => void };
    if (log !== app.log && typeof log.setBindings === 'function') log.setBindings(who);
    else request.log = request.log.child(who);
    usage.record(found.apiKeyId);
  });
  return usage;
}
