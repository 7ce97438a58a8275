import type { Clock, SharedToken, X3SharedTokens } from './types.js';

export interface MintedToken {
  value: string;
  /** Absolute expiry, in the clock's milliseconds. */
  expiresAt: number;
}

export interface TokenCacheOptions {
  mint: () => Promise<MintedToken>;
  clock: Clock;
  /** How long before expiry a token stops being handed out. */
  refreshMarginMs: (lifetimeMs: number) => number;
  /** After a failed mint, calls fail fast with the same error for this long. */
  failureCooldownMs: number;
  /** Asked instead of minting when the cached token is missing or due for refresh. */
  shared?: X3SharedTokens;
}

/**
 * Caches one token per connection. Concurrent callers share a single in-flight mint; a failed
 * mint rejects every waiter and then fails fast for a cooldown so that a broken token endpoint
 * is not hammered by every queued call.
 */
export class TokenCache {
  readonly #options: TokenCacheOptions;
  #token: { value: string; refreshAt: number } | undefined;
  #inFlight: Promise<string> | undefined;
  #failure: { error: unknown; until: number } | undefined;
  /** The token X3 last refused: the shared cache must not hand it back. */
  #refused: string | undefined;
  #mints = 0;

  constructor(options: TokenCacheOptions) {
    this.#options = options;
  }

  /** Number of mints started by this cache (for tests and metrics). */
  get mints(): number {
    return this.#mints;
  }

  /** The cached token when it is still fresh, without waiting: the common path. */
  peek(): string | undefined {
    const token = this.#token;
    return token !== undefined && this.#options.clock.now() < token.refreshAt ? token.value : undefined;
  }

  get(): Promise<string> {
    const now = this.#options.clock.now();
    if (this.#token !== undefined && now < this.#token.refreshAt) return Promise.resolve(this.#token.value);
    if (this.#inFlight !== undefined) return this.#inFlight;
    if (this.#failure !== undefined && now < this.#failure.until) return Promise.reject(this.#failure.error);
    this.#failure = undefined;
    this.#token = undefined;
    const shared = this.#options.shared;
    const refused = this.#refused;
    const mint = (
      shared === undefined ? this.#mint() : shared.obtain({ now, refused, mint: () => this.#mint() })
    )
      .then((token) => {
        this.#token = { value: token.value, refreshAt: token.refreshAt };
        if (this.#refused === refused) this.#refused = undefined;
        return token.value;
      })
      .catch((error: unknown) => {
        this.#failure = { error, until: this.#options.clock.now() + this.#options.failureCooldownMs };
        throw error;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    this.#inFlight = mint;
    return mint;
  }

  async #mint(): Promise<SharedToken> {
    this.#mints += 1;
    const token = await this.#options.mint();
    const lifetime = Math.max(0, token.expiresAt - this.#options.clock.now());
    return { ...token, refreshAt: token.expiresAt - this.#options.refreshMarginMs(lifetime) };
  }

  /**
   * Drops `value` if it is still the cached token. A caller holding an older token that another
   * caller already replaced changes nothing, so a burst of 401s costs one mint, not one each.
   */
  invalidate(value: string): void {
    if (this.#token?.value !== value) return;
    this.#token = undefined;
    this.#refused = value;
  }
}
