import type { Clock } from './types.js';

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
  #mints = 0;

  constructor(options: TokenCacheOptions) {
    this.#options = options;
  }

  /** Number of mints started (for tests and metrics). */
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
    this.#mints += 1;
    const mint = this.#options
      .mint()
      .then((token) => {
        const issuedAt = this.#options.clock.now();
        const lifetime = Math.max(0, token.expiresAt - issuedAt);
        this.#token = {
          value: token.value,
          refreshAt: token.expiresAt - this.#options.refreshMarginMs(lifetime),
        };
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

  /**
   * Drops `value` if it is still the cached token. A caller holding an older token that another
   * caller already replaced changes nothing, so a burst of 401s costs one mint, not one each.
   */
  invalidate(value: string): void {
    if (this.#token?.value === value) this.#token = undefined;
  }
}
