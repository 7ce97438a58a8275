import { describe, expect, it } from 'vitest';
import { announceApiKeyRevoked, createApiKeyCache } from './api-key-cache.js';

interface Found {
  apiKeyId: string;
  environmentId: string;
}

/** A lookup over a plain table that counts its calls and can be held open. */
function table(rows: Record<string, Found>) {
  const calls: string[] = [];
  let gate: Promise<void> | null = null;
  let open: (() => void) | null = null;
  return {
    calls,
    rows,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      open?.();
      gate = null;
    },
    async lookup(hash: string): Promise<Found | null> {
      calls.push(hash);
      // Read after the wait, like a query that reaches the row only when its turn comes.
      const wait = gate;
      const before = rows[hash] ?? null;
      if (wait) await wait;
      return before;
    },
  };
}

function setup(opts: { ttlMs?: number; maxEntries?: number } = {}) {
  let clock = 1_000;
  const db = table({
    h1: { apiKeyId: 'key_1', environmentId: 'env_a' },
    h2: { apiKeyId: 'key_2', environmentId: 'env_a' },
    h3: { apiKeyId: 'key_3', environmentId: 'env_b' },
  });
  const cache = createApiKeyCache<Found>({ lookup: (h) => db.lookup(h), now: () => clock, ...opts });
  return {
    db,
    cache,
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe('API key cache', () => {
  it('answers a repeated key from memory until the TTL has passed', async () => {
    const { db, cache, advance } = setup({ ttlMs: 5_000 });
    expect(await cache.get('h1')).toEqual({ apiKeyId: 'key_1', environmentId: 'env_a' });
    expect(await cache.get('h1')).toMatchObject({ apiKeyId: 'key_1' });
    advance(4_999);
    expect(await cache.get('h1')).toMatchObject({ apiKeyId: 'key_1' });
    expect(db.calls).toEqual(['h1']);
    // Revoked elsewhere: this process learns it when the entry expires, not before.
    delete db.rows.h1;
    advance(1);
    expect(await cache.get('h1')).toBeNull();
    expect(db.calls).toEqual(['h1', 'h1']);
    cache.close();
  });

  it('never keeps an unknown key, so a key created elsewhere works at once', async () => {
    const { db, cache } = setup();
    expect(await cache.get('h9')).toBeNull();
    db.rows.h9 = { apiKeyId: 'key_9', environmentId: 'env_a' };
    expect(await cache.get('h9')).toMatchObject({ apiKeyId: 'key_9' });
    expect(db.calls).toEqual(['h9', 'h9']);
    expect(cache.size).toBe(1);
    cache.close();
  });

  it('shares one lookup between callers that arrive together', async () => {
    const { db, cache } = setup();
    const answers = await Promise.all([cache.get('h1'), cache.get('h1'), cache.get('h2')]);
    expect(answers.map((a) => a?.apiKeyId)).toEqual(['key_1', 'key_1', 'key_2']);
    expect(db.calls).toEqual(['h1', 'h2']);
    cache.close();
  });

  it('forgets a revoked key at once in every cache of the process', async () => {
    const a = setup();
    const b = setup();
    await a.cache.get('h1');
    await a.cache.get('h2');
    await b.cache.get('h1');
    delete a.db.rows.h1;
    delete b.db.rows.h1;
    announceApiKeyRevoked('key_1');
    expect(await a.cache.get('h1')).toBeNull();
    expect(await b.cache.get('h1')).toBeNull();
    // Other keys stay cached.
    expect(await a.cache.get('h2')).toMatchObject({ apiKeyId: 'key_2' });
    expect(a.db.calls).toEqual(['h1', 'h2', 'h1']);
    a.cache.close();
    b.cache.close();
  });

  it('does not keep what a lookup under way during a revocation read', async () => {
    const { db, cache } = setup();
    db.hold();
    const early = cache.get('h1');
    while (db.calls.length === 0) await Promise.resolve();
    // The revocation lands while the row (read before it) is on its way back.
    delete db.rows.h1;
    announceApiKeyRevoked('key_1');
    // A caller arriving after the revocation does not join the earlier lookup.
    const late = cache.get('h1');
    db.release();
    expect(await early).toMatchObject({ apiKeyId: 'key_1' });
    expect(await late).toBeNull();
    expect(await cache.get('h1')).toBeNull();
    expect(cache.size).toBe(0);
    cache.close();
  });

  it('stops listening once closed', async () => {
    const { cache } = setup();
    await cache.get('h1');
    cache.close();
    expect(cache.size).toBe(0);
    await cache.get('h1');
    announceApiKeyRevoked('key_1');
    expect(cache.size).toBe(1);
  });

  it('drops the least recently used key when full', async () => {
    const { db, cache } = setup({ maxEntries: 2 });
    await cache.get('h1');
    await cache.get('h2');
    await cache.get('h1'); // h1 is now the most recent
    await cache.get('h3'); // evicts h2
    expect(cache.size).toBe(2);
    db.calls.length = 0;
    await cache.get('h1');
    await cache.get('h3');
    expect(db.calls).toEqual([]);
    await cache.get('h2');
    expect(db.calls).toEqual(['h2']);
    cache.close();
  });

  it('passes a failed lookup on to its callers and keeps nothing', async () => {
    let fail = true;
    const cache = createApiKeyCache<Found>({
      lookup: async () => {
        if (fail) throw new Error('database unreachable');
        return { apiKeyId: 'key_1', environmentId: 'env_a' };
      },
    });
    await expect(Promise.all([cache.get('h1'), cache.get('h1')])).rejects.toThrow('database unreachable');
    fail = false;
    expect(await cache.get('h1')).toMatchObject({ apiKeyId: 'key_1' });
    cache.close();
  });

  it('caches nothing with a TTL of 0', async () => {
    const { db, cache } = setup({ ttlMs: 0 });
    await cache.get('h1');
    await cache.get('h1');
    expect(db.calls).toEqual(['h1', 'h1']);
    cache.close();
  });
});
