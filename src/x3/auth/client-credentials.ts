import { X3AuthError, X3ProtocolError } from '../errors.js';
import { TokenCache } from './token-cache.js';
import type { AuthStrategy, ClientCredentialsAuth, Clock, X3SharedTokens } from './types.js';

/** What this strategy needs to reach the token endpoint; the transport retries 429/5xx. */
export type TokenPost = (
  url: URL,
  headers: Record<string, string>,
  body: string,
) => Promise<{ status: number; body: unknown }>;

const DEFAULT_EXPIRES_IN_S = 300;
const MAX_MARGIN_MS = 60_000;

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 requires before base64. */
function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

export function basicClientHeader(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'utf8').toString('base64')}`;
}

function oauthError(body: unknown): { error?: string; description?: string } {
  if (body === null || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  return {
    ...(typeof b.error === 'string' ? { error: b.error } : {}),
    ...(typeof b.error_description === 'string' ? { description: b.error_description } : {}),
  };
}

/**
 * OAuth2 client_credentials (RFC 6749 §4.4). Tokens are reused until
 * `expiresAt − min(60 s, lifetime / 10)`; a refused client fails fast for `cooldownMs`. With
 * `shared`, the token is minted once for every holder of the cache, not once per client.
 */
export function createClientCredentialsAuth(
  options: ClientCredentialsAuth,
  tokenUrl: URL,
  post: TokenPost,
  clock: Clock,
  cooldownMs: number,
  shared?: X3SharedTokens,
): AuthStrategy & { cache: TokenCache } {
  const method = options.tokenEndpointAuthMethod ?? 'client_secret_basic';
  const clientHeader = basicClientHeader(options.clientId, options.clientSecret);

  const mint = async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.scope !== undefined) form.set('scope', options.scope);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (method === 'client_secret_basic') headers.authorization = clientHeader;
    else {
      form.set('client_id', options.clientId);
      form.set('client_secret', options.clientSecret);
    }
    const details = { method: 'POST', url: tokenUrl.href };
    const answer = await post(tokenUrl, headers, form.toString());
    if (answer.status >= 400) {
      const { error, description } = oauthError(answer.body);
      const why =
        error === 'invalid_client'
          ? 'the client id or secret is wrong'
          : (error ?? `status ${answer.status}`);
      throw new X3AuthError(
        `The token endpoint refused the credentials (${why})${description ? `: ${description}` : ''}. Check the client id and secret in X3's OAuth2 settings.`,
        { ...details, status: answer.status, ...(error ? { oauthError: error } : {}) },
      );
    }
    const body = (answer.body ?? {}) as Record<string, unknown>;
    const token = body.access_token;
    const type = typeof body.token_type === 'string' ? body.token_type : 'Bearer';
    if (typeof token !== 'string' || token === '') {
      throw new X3ProtocolError('The token endpoint answered without an access_token.', {
        ...details,
        status: answer.status,
      });
    }
    if (type.toLowerCase() !== 'bearer') {
      throw new X3ProtocolError(
        `The token endpoint issued a "${type}" token; only Bearer tokens are supported.`,
        details,
      );
    }
    const expiresIn = Number(body.expires_in);
    const seconds = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_S;
    return { value: token, expiresAt: clock.now() + seconds * 1000 };
  };

  const cache = new TokenCache({
    mint,
    clock,
    refreshMarginMs: (lifetime) => Math.min(MAX_MARGIN_MS, lifetime / 10),
    failureCooldownMs: cooldownMs,
    ...(shared === undefined ? {} : { shared }),
  });

  return {
    type: 'client_credentials',
    cache,
    authorization: () => {
      const fresh = cache.peek();
      return fresh !== undefined ? `Bearer ${fresh}` : cache.get().then((token) => `Bearer ${token}`);
    },
    rejected: (authorization) => {
      cache.invalidate(authorization.replace(/^Bearer /, ''));
      return true;
    },
    secrets: () => [
      options.clientSecret,
      clientHeader.slice('Basic '.length),
      formEncode(options.clientSecret),
    ],
  };
}
