/**
 * In-process cache of API key lookups, so that a request does not wait for a database round
 * trip to learn who is calling (on embedded PGlite that round trip is most of what the API adds
 * to an X3 read, and every request would queue for its single session).
 *
 * What this trades, on purpose:
 * - A key revoked in this process is refused at once: `revokeApiKey` announces the revocation
 *   and every cache forgets the key before the revoking call returns.
 * - A key revoked by another process (another API process on the same Postgres, or the CLI)
 *   can still be accepted here for at most `ttlMs` (5 s by default) after the revocation.
 * - Only keys that were found are cached. An unknown key is looked up every time, so a key
 *   created elsewhere works at once and a stranger cannot fill the cache with guesses.
 */

/** Default time a key found in the database is trusted without looking again. */
export const API_KEY_CACHE_TTL_MS = 5_000;
/** Default number of keys held; the least recently used one goes first. */
export const API_KEY_CACHE_MAX_ENTRIES = 1_000;

export interface ApiKeyCacheOptions<T extends { apiKeyId: string }> {
  /** Reads the active key with this hash from the database (null when unknown or revoked). */
  lookup(hash: string): Promise<T | null>;
  ttlMs?: number;
  maxEntries?: number;
  /** Clock in ms (tests move it by hand). */
  now?: () => number;
}

export interface ApiKeyCache<T extends { apiKeyId: string }> {
  /** The caller behind this key hash: cached when fresh, else looked up (one lookup per hash at a time). */
  get(hash: string): Promise<T | null>;
  /** Drops every entry of this key, and makes a lookup already under way not be kept. */
  forget(apiKeyId: string): void;
  /** Stops listening for revocations. */
  close(): void;
  readonly size: number;
}

type RevocationListener = (apiKeyId: string) => void;
const revocationListeners = new Set<RevocationListener>();

/** Tells every cache in this process that a key was revoked (called by `revokeApiKey`). */
export function announceApiKeyRevoked(apiKeyId: string): void {
  for (const listener of revocationListeners) listener(apiKeyId);
}

export function createApiKeyCache<T extends { apiKeyId: string }>(
  options: ApiKeyCacheOptions<T>,
): ApiKeyCache<T> {
  const ttlMs = options.ttlMs ?? API_KEY_CACHE_TTL_MS;
  const maxEntries = options.maxEntries ?? API_KEY_CACHE_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  // Map iteration order is insertion order: re-inserting on a hit keeps the oldest first.
  const entries = new Map<string, { value: T; expiresAt: number }>();
  const inFlight = new Map<string, Promise<T | null>>();
  // Bumped by every revocation: a lookup that began before one is answered but not kept,
  // since the row it read may predate the revocation.
  let generation = 0;

  function forget(apiKeyId: string): void {
    generation += 1;
    for (const [hash, entry] of entries) if (entry.value.apiKeyId === apiKeyId) entries.delete(hash);
    // A caller arriving after the revocation must not join a lookup that began before it.
    inFlight.clear();
  }

  function load(hash: string): Promise<T | null> {
    const startedAt = generation;
    const pending: Promise<T | null> = Promise.resolve()
      .then(() => options.lookup(hash))
      .then((value) => {
        if (value && startedAt === generation && ttlMs > 0) {
          if (entries.size >= maxEntries) {
            const oldest = entries.keys().next();
            if (!oldest.done) entries.delete(oldest.value);
          }
          entries.set(hash, { value, expiresAt: now() + ttlMs });
        }
        return value;
      })
      .finally(() => {
        if (inFlight.get(hash) === pending) inFlight.delete(hash);
      });
    inFlight.set(hash, pending);
    return pending;
  }

  const listener: RevocationListener = (apiKeyId) => forget(apiKeyId);
  revocationListeners.add(listener);

  return {
    get(hash) {
      const hit = entries.get(hash);
      if (hit) {
        if (hit.expiresAt > now()) {
          entries.delete(hash);
          entries.set(hash, hit);
          return Promise.resolve(hit.value);
        }
        entries.delete(hash);
      }
      return inFlight.get(hash) ?? load(hash);
    },
    forget,
    close() {
      revocationListeners.delete(listener);
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
