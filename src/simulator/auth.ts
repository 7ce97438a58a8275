// The three ways X3 lets a caller in: OAuth2 client_credentials bearer tokens (minted by
// `POST /oauth2/token`), connected-app HS256 JWTs signed with the app secret, and basic auth.
// Errors follow RFC 6749 at the token endpoint and X3's `Error NN: Invalid token` on the API.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type { SimulatorClock } from './clock.js';
import type { Diagnosis, FolderAuthModes, OAuthClient, SimulatorCredentials } from './types.js';

export type AuthScheme = 'bearer' | 'basic' | 'none';

export interface Principal {
  kind: 'client' | 'connected_app' | 'basic';
  id: string;
  user: string;
  deniedClasses: string[];
}

export type AuthOutcome =
  { ok: true; principal: Principal } | { ok: false; status: 401; diagnoses: Diagnosis[]; challenge: string };

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

interface IssuedToken {
  clientId: string;
  expiresAt: number;
  scope?: string;
  revoked: boolean;
}

const JWT_SKEW_SECONDS = 5;
const DEFAULT_APP_VALIDITY = 300;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

function refused(message: string, challenge = 'Bearer realm="x3"'): AuthOutcome {
  return { ok: false, status: 401, diagnoses: [{ $severity: 'error', $message: message }], challenge };
}

export function schemeOf(header: string | undefined): AuthScheme {
  if (!header) return 'none';
  const kind = header.split(' ')[0]!.toLowerCase();
  return kind === 'bearer' ? 'bearer' : kind === 'basic' ? 'basic' : 'none';
}

export class AuthService {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    readonly credentials: SimulatorCredentials,
    private readonly clock: SimulatorClock,
    private readonly tokenLifetimeSeconds: number,
    private readonly baseUrl: () => string,
  ) {}

  private client(id: string): OAuthClient | undefined {
    return this.credentials.clients.find((c) => c.clientId === id);
  }

  /** `POST /oauth2/token` with a form body already read. */
  mintToken(authorization: string | undefined, form: URLSearchParams): TokenAnswer {
    const fail = (status: number, error: string, description: string, basic = false): TokenAnswer => ({
      status,
      body: { error, error_description: description },
      headers: basic ? { 'www-authenticate': 'Basic realm="x3", error="invalid_client"' } : {},
    });
    let id = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const viaHeader = schemeOf(authorization) === 'basic';
    if (viaHeader) {
      if (secret !== undefined)
        return fail(400, 'invalid_request', 'client credentials were sent twice (header and body)');
      const decoded = Buffer.from(authorization!.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return fail(401, 'invalid_client', 'the Authorization header is malformed', true);
      try {
        const headerId = formDecode(decoded.slice(0, colon));
        if (id !== undefined && id !== headerId)
          return fail(400, 'invalid_request', 'client_id differs from the header');
        id = headerId;
        secret = formDecode(decoded.slice(colon + 1));
      } catch {
        return fail(401, 'invalid_client', 'the Authorization header is malformed', true);
      }
    }
    const grant = form.get('grant_type');
    if (!grant) return fail(400, 'invalid_request', 'grant_type is missing');
    if (grant !== 'client_credentials') {
      return fail(
        400,
        'unsupported_grant_type',
        `grant type ${grant} is not supported; use client_credentials`,
      );
    }
    if (id === undefined || secret === undefined) {
      return fail(401, 'invalid_client', 'client authentication is missing', true);
    }
    const client = this.client(id);
    if (!client || !same(client.clientSecret, secret)) {
      return viaHeader
        ? fail(401, 'invalid_client', 'client authentication failed', true)
        : fail(400, 'invalid_client', 'client authentication failed');
    }
    const scope = form.get('scope') ?? undefined;
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, {
      clientId: id,
      expiresAt: this.clock.now().getTime() + this.tokenLifetimeSeconds * 1000,
      revoked: false,
      ...(scope !== undefined && { scope }),
    });
    return {
      status: 200,
      body: {
        access_token: token,
        token_type: 'Bearer',
        expires_in: this.tokenLifetimeSeconds,
        ...(scope !== undefined && { scope }),
      },
      headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
    };
  }

  /** Revokes the bearer token of an Authorization header (the `token_expire` fault). */
  revoke(authorization: string | undefined): void {
    if (schemeOf(authorization) !== 'bearer') return;
    const t = this.tokens.get(authorization!.slice(7).trim());
    if (t) t.revoked = true;
  }

  revokeAll(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  async authenticate(authorization: string | undefined, modes: FolderAuthModes): Promise<AuthOutcome> {
    const scheme = schemeOf(authorization);
    if (scheme === 'none') return refused('Authentication required');
    if (scheme === 'basic') {
      if (!modes.basic)
        return refused('Basic authentication is not allowed for this folder', 'Bearer realm="x3"');
      const decoded = Buffer.from(authorization!.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      const known = this.credentials.basicUsers.find((u) => u.user === user);
      if (colon < 0 || !known || !same(known.password, password)) {
        return refused('Invalid user or password', 'Basic realm="x3"');
      }
      return { ok: true, principal: { kind: 'basic', id: user, user, deniedClasses: [] } };
    }
    const token = authorization!.slice(7).trim();
    if (token.split('.').length === 3) return this.checkJwt(token, modes);
    if (!modes.oauth2) return refused('OAuth2 tokens are not allowed for this folder');
    const issued = this.tokens.get(token);
    if (!issued) return refused('Invalid token');
    if (issued.revoked) return refused('Token revoked');
    if (issued.expiresAt <= this.clock.now().getTime()) return refused('Token expired');
    const client = this.client(issued.clientId);
    if (!client) return refused('Invalid token');
    return {
      ok: true,
      principal: {
        kind: 'client',
        id: client.clientId,
        user: 'WEBSVC',
        deniedClasses: client.deniedClasses ?? [],
      },
    };
  }

  private async checkJwt(token: string, modes: FolderAuthModes): Promise<AuthOutcome> {
    if (!modes.connectedApp) return refused('Connected applications are not allowed for this folder');
    let claims: ReturnType<typeof decodeJwt>;
    try {
      if (decodeProtectedHeader(token).alg !== 'HS256') return refused('Error 50: Invalid token');
      claims = decodeJwt(token);
    } catch {
      return refused('Error 50: Invalid token');
    }
    const app = this.credentials.connectedApps.find((a) => a.clientId === claims.iss);
    if (!app) return refused('Error 41: Invalid token');
    try {
      await compactVerify(token, new TextEncoder().encode(app.secret), { algorithms: ['HS256'] });
    } catch {
      return refused('Error 50: Invalid token');
    }
    if (claims.sub !== app.user) return refused('Error 42: Invalid token');
    const audiences = app.audiences ?? ['', this.baseUrl(), `${this.baseUrl()}/`];
    const aud = claims.aud === undefined ? [''] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => audiences.includes(a))) return refused('Error 45: Invalid token');
    const now = this.clock.now().getTime() / 1000;
    if (typeof claims.iat === 'number' && claims.iat > now + JWT_SKEW_SECONDS)
      return refused('Error 21: Invalid token');
    if (typeof claims.exp !== 'number') return refused('Error 50: Invalid token');
    if (claims.exp <= now) return refused('Error 50: Invalid token');
    const validity = app.tokenValiditySeconds ?? DEFAULT_APP_VALIDITY;
    const from = typeof claims.iat === 'number' ? claims.iat : now;
    if (claims.exp - from > validity) return refused('Error 50: Invalid token');
    return {
      ok: true,
      principal: { kind: 'connected_app', id: app.clientId, user: app.user, deniedClasses: [] },
    };
  }
}
