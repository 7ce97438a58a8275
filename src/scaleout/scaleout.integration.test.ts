// Several processes on one Postgres, played here by several stores (each its own pool of
// sessions, as a process would have) on one database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db/index.js';
import { createTestDatabase, openTestStore, testConfig } from '../db/test-support/stores.js';
import { createEnvironment } from '../environments/environment.service.js';
import { createVault, type Vault } from '../secrets/index.js';
import { X3UnavailableError, type SharedToken } from '../x3/index.js';
import { createScaleoutCoordination, detectKind } from './coordination.js';
import { createSharedSlots } from './shared-slots.js';
import { createSharedTokens, credentialsTag } from './shared-tokens.js';

const PROCESSES = 3;

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('shared X3 limits across processes (Postgres)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let stores: Store[] = [];
  let vault: Vault;
  let connectionId = '';
  let other = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = testConfig({ databaseUrl: database.url });
    for (let i = 0; i < PROCESSES; i++) {
      stores.push(await openStore(config, { migrate: i === 0, command: 'test' }));
    }
    vault = await createVault(config);
    const env = await createEnvironment(stores[0]!.db, 'scaleout', 'test');
    for (const id of ['conn_shared_a', 'conn_shared_b']) {
      await stores[0]!.executeSql(
        `insert into connections (id, environment_id, name, base_url, folder, auth_type, client_id_hint, credentials_sealed, status)
         values ($1, $2, 'x', 'http://127.0.0.1:1', 'ALDGATE', 'client_credentials', 'x…', 'sealed', 'active')`,
        [id, env.id],
      );
    }
    connectionId = 'conn_shared_a';
    other = 'conn_shared_b';
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
    await database?.drop();
  });

  describe('token', () => {
    it('is minted once by the processes that need it at the same time, and stored sealed', async () => {
      const tag = credentialsTag('credentials-v1');
      const tokens = stores.map((s) => createSharedTokens(s.db, vault, connectionId, tag));
      const release = deferred<void>();
      let mints = 0;
      const mint = async (): Promise<SharedToken> => {
        mints++;
        await release.promise;
        return { value: 'secret-token-1', expiresAt: Date.now() + 300_000, refreshAt: Date.now() + 270_000 };
      };
      const now = Date.now();
      const got = tokens.flatMap((t) => [
        t.obtain({ now, refused: undefined, mint }),
        t.obtain({ now, refused: undefined, mint }),
      ]);
      await until(() => mints === 1, 'the first mint to start');
      release.resolve();
      expect((await Promise.all(got)).map((t) => t.value)).toEqual(Array(got.length).fill('secret-token-1'));
      expect(mints).toBe(1);
      const rows = (await stores[0]!.executeSql('select * from x3_shared_tokens')).rows;
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain('secret-token-1');
      expect(vault.open(rows[0].token_sealed, connectionId)).toBe('secret-token-1');
      // Bound to its connection: the same ciphertext does not open for another.
      expect(() => vault.open(rows[0].token_sealed, other)).toThrow();
    });

    it('replaces a refused token once, however many processes saw the 401', async () => {
      const tag = credentialsTag('credentials-v1');
      const tokens = stores.map((s) => createSharedTokens(s.db, vault, connectionId, tag));
      let mints = 0;
      const mint = async (): Promise<SharedToken> => ({
        value: `secret-token-${++mints + 1}`,
        expiresAt: Date.now() + 300_000,
        refreshAt: Date.now() + 270_000,
      });
      const now = Date.now();
      const got = await Promise.all(tokens.map((t) => t.obtain({ now, refused: 'secret-token-1', mint })));
      expect(got.map((t) => t.value)).toEqual(Array(PROCESSES).fill('secret-token-2'));
      expect(mints).toBe(1);
      // Due for refresh: the next asker mints; another set of credentials does not reuse it.
      const later = await tokens[0]!.obtain({ now: now + 280_000, refused: undefined, mint });
      expect(later.value).toBe('secret-token-3');
      const rotated = createSharedTokens(
        stores[1]!.db,
        vault,
        connectionId,
        credentialsTag('credentials-v2'),
      );
      expect((await rotated.obtain({ now, refused: undefined, mint })).value).toBe('secret-token-4');
    });

    it('hands a failed mint to its caller and stores nothing', async () => {
      const tokens = createSharedTokens(stores[0]!.db, vault, other, credentialsTag('c'));
      const refusal = new Error('invalid_client');
      await expect(
        tokens.obtain({ now: Date.now(), refused: undefined, mint: () => Promise.reject(refusal) }),
      ).rejects.toBe(refusal);
      const rows = (
        await stores[0]!.executeSql('select 1 from x3_shared_tokens where connection_id = $1', [other])
      ).rows;
      expect(rows).toHaveLength(0);
    });
  });

  describe('call slots', () => {
    it('holds at most the limit in flight across processes, and reaches it', async () => {
      const slots = stores.map((s) => createSharedSlots(s.db, { maxPollMs: 5 }));
      const limit = 2;
      let inFlight = 0;
      let peak = 0;
      const call = async (i: number) => {
        const release = await slots[i % PROCESSES]!.acquire(connectionId, limit);
        inFlight++;
        peak = Math.max(peak, inFlight);
        // Hold across a few database round trips, so that the others do try meanwhile.
        for (let k = 0; k < 3; k++) await stores[i % PROCESSES]!.executeSql('select 1');
        inFlight--;
        release();
      };
      await Promise.all(Array.from({ length: 24 }, (_, i) => call(i)));
      expect(peak).toBe(limit);
      await until(async () => {
        const { rows } = await stores[0]!.executeSql(
          'select count(*)::int as n from x3_call_slots where connection_id = $1 and holder is not null',
          [connectionId],
        );
        return rows[0].n === 0;
      }, 'every slot to be released');
      for (const s of slots) s.close();
    });

    it('refuses as too busy when no slot frees up in time', async () => {
      const holder = createSharedSlots(stores[0]!.db);
      const waiter = createSharedSlots(stores[1]!.db, { waitMs: 50, maxPollMs: 5 });
      const releases = [await holder.acquire(other, 1)];
      await expect(waiter.acquire(other, 1)).rejects.toBeInstanceOf(X3UnavailableError);
      await expect(waiter.acquire(other, 1)).rejects.toThrow(/busy/);
      releases[0]!();
      await until(async () => {
        try {
          (await waiter.acquire(other, 1))();
          return true;
        } catch {
          return false;
        }
      }, 'the slot to free');
      holder.close();
      waiter.close();
    });

    it("frees a dead process's slots when its lease lapses, and a late release frees nothing", async () => {
      const dead = createSharedSlots(stores[2]!.db, { leaseMs: 100 });
      const lateRelease = await dead.acquire(other, 1);
      // The process stops renewing, as if killed; its session pool goes with it.
      dead.close();
      const survivor = createSharedSlots(stores[0]!.db, { waitMs: 10_000, maxPollMs: 20 });
      const release = await survivor.acquire(other, 1);
      lateRelease();
      await dead.flush();
      const busy = createSharedSlots(stores[1]!.db, { waitMs: 30, maxPollMs: 5 });
      await expect(busy.acquire(other, 1)).rejects.toBeInstanceOf(X3UnavailableError);
      release();
      survivor.close();
      busy.close();
    });

    it('renews the leases of a live process', async () => {
      const live = createSharedSlots(stores[0]!.db, { leaseMs: 60 });
      const release = await live.acquire(other, 1);
      const leaseOf = async () =>
        (
          await stores[0]!.executeSql(
            `select extract(epoch from lease_until) * 1000 as t from x3_call_slots where connection_id = $1 and holder is not null`,
            [other],
          )
        ).rows[0]?.t as number;
      const first = Number(await leaseOf());
      await until(async () => Number(await leaseOf()) > first, 'the lease to be renewed');
      release();
      live.close();
    });
  });

  it('is active on Postgres and stays out of the way on the embedded database', async () => {
    expect(await detectKind(stores[0]!.db)).toBe('postgres');
    const coordination = createScaleoutCoordination(stores[0]!.db, vault);
    const hooks = await coordination.hooksFor({ id: connectionId, settings: {} }, 'sealed');
    expect(hooks?.acquireSlot).toBeTypeOf('function');
    expect(hooks?.sharedTokens).toBeDefined();
    coordination.close();

    const embedded = await openTestStore('pglite');
    try {
      expect(await detectKind(embedded.db)).toBe('pglite');
      const alone = createScaleoutCoordination(embedded.db, vault);
      expect(await alone.hooksFor({ id: connectionId, settings: {} }, 'sealed')).toBeUndefined();
    } finally {
      await embedded.dispose();
    }
  });
});
