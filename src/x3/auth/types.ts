export interface ClientCredentialsAuth {
  type: 'client_credentials';
  clientId: string;
  clientSecret: string;
  /** Defaults to `{baseUrl}/oauth2/token`. */
  tokenUrl?: string;
  scope?: string;
  /** `client_secret_basic` (default) or `client_secret_post`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

export interface ConnectedAppAuth {
  type: 'connected_app';
  clientId: string;
  secret: string;
  user: string;
  /** JWT `aud`; defaults to `""` as in Sage's sample. */
  audience?: string;
  /** Token lifetime, within the app's configured validity. Default 60. */
  lifetimeSeconds?: number;
}

export interface BasicAuth {
  type: 'basic';
  user: string;
  password: string;
}

export type X3AuthOptions = ClientCredentialsAuth | ConnectedAppAuth | BasicAuth;

/** What the transport needs from an authentication mode. */
export interface AuthStrategy {
  readonly type: X3AuthOptions['type'];
  /** The `Authorization` header for the next call: at once when cached, else after a mint. */
  authorization(): string | Promise<string>;
  /**
   * X3 answered 401 to a call sent with `authorization`. Returns true when a fresh credential
   * may succeed (the cached token was dropped, or another caller already replaced it).
   */
  rejected(authorization: string): boolean;
  /** Values that must never appear in a message or log. */
  secrets(): string[];
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A bearer token with the instant after which it should no longer be handed out. */
export interface SharedToken {
  value: string;
  /** Absolute expiry, in the clock's milliseconds. */
  expiresAt: number;
  /** Absolute instant from which a fresh token should be minted (before `expiresAt`). */
  refreshAt: number;
}

/**
 * A token cache shared with other holders of the same credentials (other processes, say),
 * so that they mint one token between them instead of one each. The client's own cache stays
 * in front of it: this is asked only when the client has no fresh token.
 */
export interface X3SharedTokens {
  /**
   * Returns the shared token when it is fresh at `now` and is not `refused` (the token X3 just
   * answered 401 to); otherwise runs `mint` with no other holder minting at the same time,
   * keeps the result for the others and returns it. Errors of `mint` reach the caller as is.
   */
  obtain(request: {
    now: number;
    refused: string | undefined;
    mint: () => Promise<SharedToken>;
  }): Promise<SharedToken>;
}
