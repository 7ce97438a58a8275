import { SignJWT } from 'jose';
import { TokenCache } from './token-cache.js';
import type { AuthStrategy, Clock, ConnectedAppAuth } from './types.js';

/** X3 rejects a JWT whose iat is in its future; backdating absorbs clock skew. */
const IAT_BACKDATE_S = 5;
const REMINT_MARGIN_MS = 10_000;

/**
 * Connected application: an HS256 JWT signed locally with the app secret, re-minted when less
 * than 10 s of its life remain. The cache's single-flight still applies: signing is async.
 */
export function createConnectedAppAuth(
  options: ConnectedAppAuth,
  clock: Clock,
): AuthStrategy & { cache: TokenCache } {
  const key = new TextEncoder().encode(options.secret);
  const lifetime = options.lifetimeSeconds ?? 60;
  const cache = new TokenCache({
    clock,
    refreshMarginMs: () => REMINT_MARGIN_MS,
    failureCooldownMs: 0,
    mint: async () => {
      const iat = Math.floor(clock.now() / 1000) - IAT_BACKDATE_S;
      const exp = iat + lifetime;
      const value = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(options.clientId)
        .setSubject(options.user)
        .setAudience(options.audience ?? '')
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key);
      return { value, expiresAt: exp * 1000 };
    },
  });
  return {
    type: 'connected_app',
    cache,
    authorization: () => {
      const fresh = cache.peek();
      return fresh !== undefined ? `Bearer ${fresh}` : cache.get().then((token) => `Bearer ${token}`);
    },
    rejected: (authorization) => {
      cache.invalidate(authorization.replace(/^Bearer /, ''));
      return true;
    },
    secrets: () => [options.secret],
  };
}
