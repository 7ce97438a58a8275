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
