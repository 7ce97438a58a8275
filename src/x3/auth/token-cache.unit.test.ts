import { SignJWT, decodeJwt, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { basicClientHeader } from './client-credentials.js';
import { createConnectedAppAuth } from './connected-app.js';
import { createBasicAuth } from './basic.js';
import { TokenCache, type MintedToken } from './token-cache.js';
import type { SharedToken, X3SharedTokens } from './types.js';

function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('TokenCache', () => {
  it('shares one in-flight mint between concurrent callers', async () => {
    const clock = manualClock();
    const pending = deferred<{ value: string; expiresAt: number }>();
    let calls = 0;
    const cache = new TokenCache({
      clock,
      refreshMarginMs: (l) => Math.min(60_000, l / 10),
      failureCooldownMs: 5_000,
      mint: () => {
        calls += 1;
        return pending.promise;
      },
    });
    const waiters = Array.from({ length: 100 }, () => cache.get());
    pending.resolve({ value: 't1', expiresAt: clock.now() + 300_000 });
    expect(await Promise.all(waiters)).toEqual(Array(100).fill('t1'));
    expect(calls).toBe(1);
  });

  it('refreshes at expiry minus min(60 s, lifetime/10)', async () => {
    const clock = manualClock();
    let n = 0;
    const cache = new TokenCache({
      clock,
      refreshMarginMs: (l) => Math.min(60_000, l / 10),
      failureCooldownMs: 0,
      mint: async () => ({ value: `t${++n}`, expiresAt: clock.now() + 300_000 }),
    });
    expect(await cache.get()).toBe('t1');
    clock.advance(269_999);
    expect(await cache.get()).toBe('t1');
    clock.advance(1);
    expect(await cache.get()).toBe('t2');
  });

  it('rejects every waiter on failure, then fails fast during the cooldown', async () => {
    const clock = manualClock();
    let calls = 0;
    const cache = new TokenCache({
      clock,
      refreshMarginMs: () => 0,
      failureCooldownMs: 5_000,
      mint: async () => {
        calls += 1;
        throw new Error('invalid_client');
      },
    });
    const results = await Promise.allSettled([cache.get(), cache.get(), cache.get()]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    await expect(cache.get()).rejects.toThrow('invalid_client');
    expect(calls).toBe(1);
    clock.advance(5_000);
    await expect(cache.get()).rejects.toThrow('invalid_client');
    expect(calls).toBe(2);
  });

  it('invalidates only the token that was refused', async () => {
    const clock = manualClock();
    let n = 0;
    const cache = new TokenCache({
      clock,
      refreshMarginMs: () => 0,
      failureCooldownMs: 0,
      mint: async () => ({ value: `t${++n}`, expiresAt: clock.now() + 300_000 }),
    });
    expect(await cache.get()).toBe('t1');
    cache.invalidate('t1');
    expect(await cache.get()).toBe('t2');
    cache.invalidate('t1');
    expect(await cache.get()).toBe('t2');
    expect(cache.mints).toBe(2);
  });
});

describe('auth strategies', () => {
  it('form-encodes id and secret before base64 (RFC 6749 §2.3.1)', () => {
    const header = basicClientHeader('my client', 'p@ss:wörd+');
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    expect(decoded).toBe('my+client:p%40ss%3Aw%C3%B6rd%2B');
  });

  it('signs connected-app JWTs with backdated iat and re-mints near expiry', async () => {
    const clock = manualClock(1_700_000_000_000);
    const auth = createConnectedAppAuth(
      { type: 'connected_app', clientId: 'aldgate-app', secret: 'aldgate-app-secret', user: 'WEBSVC' },
      clock,
    );
    const header = await auth.authorization();
    const token = header.replace('Bearer ', '');
    const { payload } = await jwtVerify(token, new TextEncoder().encode('aldgate-app-secret'), {
      currentDate: new Date(clock.now()),
      audience: '',
    });
    expect(payload).toMatchObject({ iss: 'aldgate-app', sub: 'WEBSVC', aud: '' });
    expect(payload.iat).toBe(1_700_000_000 - 5);
    expect(payload.exp).toBe(1_700_000_000 - 5 + 60);
    clock.advance(44_000);
    expect(await auth.authorization()).toBe(header);
    clock.advance(2_000);
    const next = await auth.authorization();
    expect(next).not.toBe(header);
    expect(decodeJwt(next.slice(7)).iat).toBe(1_700_000_046 - 5);
    // A token signed with another key must not verify: the check above can fail.
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('other'));
    await expect(jwtVerify(forged, new TextEncoder().encode('aldgate-app-secret'))).rejects.toThrow();
  });

  it('refuses basic auth over plain http to a non-loopback host', () => {
    expect(() =>
      createBasicAuth({ type: 'basic', user: 'u', password: 'p' }, new URL('http://x3.example')),
    ).toThrow(/https/);
    expect(() =>
      createBasicAuth({ type: 'basic', user: 'u', password: 'p' }, new URL('http://127.0.0.1:8124')),
    ).not.toThrow();
  });
});

/** Another process's view of one shared cache: a lock and a slot, as a database would give. */
function sharedStore(): X3SharedTokens & { stored: SharedToken | undefined } {
  let lock: Promise<unknown> = Promise.resolve();
  const store: X3SharedTokens & { stored: SharedToken | undefined } = {
    stored: undefined,
    obtain({ now, refused, mint }) {
      const turn = lock.then(async () => {
        const s = store.stored;
        if (s !== undefined && now < s.refreshAt && s.value !== refused) return s;
        store.stored = await mint();
        return store.stored;
      });
      lock = turn.catch(() => undefined);
      return turn;
    },
  };
  return store;
}

describe('TokenCache with a shared cache', () => {
  const options = (clock: { now(): number }, shared: X3SharedTokens, mint: () => Promise<MintedToken>) => ({
    clock,
    refreshMarginMs: (l: number) => Math.min(60_000, l / 10),
    failureCooldownMs: 0,
    shared,
    mint,
  });

  it('mints once for every cache sharing it, and refreshes where the minter said', async () => {
    const clock = manualClock();
    const shared = sharedStore();
    let n = 0;
    const mint = async () => ({ value: `t${++n}`, expiresAt: clock.now() + 300_000 });
    const a = new TokenCache(options(clock, shared, mint));
    const b = new TokenCache(options(clock, shared, mint));
    expect(await Promise.all([a.get(), b.get(), a.get(), b.get()])).toEqual(['t1', 't1', 't1', 't1']);
    expect(n).toBe(1);
    expect(a.mints + b.mints).toBe(1);
    // b took t1 later in its life; it still refreshes at the instant the minter chose.
    clock.advance(269_999);
    expect(await b.get()).toBe('t1');
    clock.advance(1);
    expect(await b.get()).toBe('t2');
    expect(await a.get()).toBe('t2');
    expect(n).toBe(2);
  });

  it('replaces a refused token once, whichever caches saw the 401', async () => {
    const clock = manualClock();
    const shared = sharedStore();
    let n = 0;
    const mint = async () => ({ value: `t${++n}`, expiresAt: clock.now() + 300_000 });
    const caches = Array.from({ length: 3 }, () => new TokenCache(options(clock, shared, mint)));
    for (const c of caches) expect(await c.get()).toBe('t1');
    for (const c of caches) c.invalidate('t1');
    expect(await Promise.all(caches.map((c) => c.get()))).toEqual(['t2', 't2', 't2']);
    expect(n).toBe(2);
    // A late 401 for the old token changes nothing.
    caches[0]!.invalidate('t1');
    expect(await caches[0]!.get()).toBe('t2');
    expect(n).toBe(2);
  });
});
