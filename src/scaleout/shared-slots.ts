import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { X3UnavailableError, type X3SlotRelease } from '../x3/index.js';

export interface SharedSlotsOptions {
  /**
   * A slot is leased for this long and renewed while held, so a crashed process's slots free
   * themselves within it (default 30 s).
   */
  leaseMs?: number;
  /** How long a call waits for a slot before it is refused as too busy (default 60 s). */
  waitMs?: number;
  /** Longest pause between two looks for a free slot (default 50 ms). */
  maxPollMs?: number;
  /**
   * A slot released while another call of this process is about to start is handed to it
   * without a round trip, up to this many times before it goes back to every process
   * (default 8; 0 turns hand-over off).
   */
  reuse?: number;
  random?: () => number;
  /** Told when the database could not be used: the call then goes ahead without a slot. */
  onDatabaseError?: (error: unknown) => void;
}

/** Per-connection call slots shared by every process on the database. */
export interface SharedSlots {
  /** Waits for one of `limit` slots of the connection; resolves with its release. */
  acquire(connectionId: string, limit: number): Promise<X3SlotRelease>;
  /** Slots held by this process right now (for tests and metrics). */
  readonly held: number;
  /** Resolves once the releases already made are written. */
  flush(): Promise<void>;
  /** Stops renewing leases; slots still held free themselves when released or when they lapse. */
  close(): void;
}

/**
 * A lease table read with SKIP LOCKED: taking a slot is one UPDATE that picks a free row of the
 * connection and stamps it with this take's holder id; releasing is one UPDATE that clears it
 * only if the holder is still this take's. Leases are renewed by one statement per process
 * while any slot is held, and lapse when their process is gone.
 */
export function createSharedSlots(db: Db, options: SharedSlotsOptions = {}): SharedSlots {
  const leaseMs = options.leaseMs ?? 30_000;
  const waitMs = options.waitMs ?? 60_000;
  const maxPollMs = options.maxPollMs ?? 50;
  const random = options.random ?? Math.random;
  const processId = randomBytes(9).toString('base64url');
  const lease = `${leaseMs} milliseconds`;
  let takes = 0;
  let held = 0;
  let closed = false;
  let renewal: NodeJS.Timeout | undefined;
  const writing = new Set<Promise<unknown>>();
  const reuse = options.reuse ?? 8;
  interface Lease {
    connectionId: string;
    holder: string;
    uses: number;
  }
  /** Slots released here a moment ago, still held in the table, per connection. */
  const idle = new Map<string, Lease[]>();
  /** Wakes the calls of this process waiting on a connection, so a hand-over is not missed. */
  const sleepers = new Map<string, Set<() => void>>();
  /** The slot count each connection's rows were made for, in this process. */
  const prepared = new Map<string, Promise<void>>();

  function prepare(connectionId: string, limit: number): Promise<void> {
    const key = `${connectionId}\u0001${limit}`;
    let ready = prepared.get(key);
    if (ready === undefined) {
      ready = sql`insert into x3_call_slots (connection_id, slot)
        select ${connectionId}, s from generate_series(0, ${limit - 1}::int) s
        on conflict do nothing`
        .execute(db)
        .then(() => undefined);
      ready.catch(() => prepared.delete(key));
      prepared.set(key, ready);
    }
    return ready;
  }

  async function tryTake(connectionId: string, limit: number, holder: string): Promise<boolean> {
    // Slots at or above the limit are left alone, so lowering a connection's cap takes effect
    // without deleting rows another process may hold.
    const result = await sql<{ slot: number }>`
      update x3_call_slots s set holder = ${holder}, process_id = ${processId},
        lease_until = now() + ${lease}::interval
      from (
        select slot from x3_call_slots
        where connection_id = ${connectionId} and slot < ${limit}
          and (holder is null or lease_until < now())
        order by slot
        limit 1
        for update skip locked
      ) free
      where s.connection_id = ${connectionId} and s.slot = free.slot
      returning s.slot`.execute(db);
    return result.rows.length > 0;
  }

  function renewLater(): void {
    if (renewal !== undefined || closed) return;
    renewal = setInterval(
      () => {
        if (held === 0) {
          clearInterval(renewal);
          renewal = undefined;
          return;
        }
        sql`update x3_call_slots set lease_until = now() + ${lease}::interval
          where process_id = ${processId} and holder is not null`
          .execute(db)
          .catch((error: unknown) => options.onDatabaseError?.(error));
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    renewal.unref();
  }

  function writeRelease(lease: Lease): void {
    // Not awaited: the call's answer does not wait for the bookkeeping. Should it fail, the
    // lease lapses on its own.
    const write = sql`update x3_call_slots set holder = null, process_id = null, lease_until = '-infinity'
        where connection_id = ${lease.connectionId} and holder = ${lease.holder}`
      .execute(db)
      .catch((error: unknown) => options.onDatabaseError?.(error))
      .finally(() => writing.delete(write));
    writing.add(write);
  }

  function takeIdle(connectionId: string): Lease | undefined {
    const list = idle.get(connectionId);
    const lease = list?.pop();
    if (list?.length === 0) idle.delete(connectionId);
    return lease;
  }

  function releaser(lease: Lease): X3SlotRelease {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held--;
      if (lease.uses >= reuse || closed) return writeRelease(lease);
      // The next call of this process usually starts in the same turn (the client's queue
      // admits it as this one ends): it takes the slot as is. Otherwise it goes back.
      const list = idle.get(lease.connectionId) ?? [];
      list.push(lease);
      idle.set(lease.connectionId, list);
      const wake = sleepers.get(lease.connectionId)?.values().next().value;
      wake?.();
      setImmediate(() => {
        const waiting = idle.get(lease.connectionId);
        const i = waiting?.indexOf(lease) ?? -1;
        if (i < 0) return;
        waiting!.splice(i, 1);
        if (waiting!.length === 0) idle.delete(lease.connectionId);
        writeRelease(lease);
      });
    };
  }

  function sleep(connectionId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = sleepers.get(connectionId);
      if (set === undefined) sleepers.set(connectionId, (set = new Set()));
      const asleep = set;
      const done = () => {
        clearTimeout(timer);
        asleep.delete(done);
        if (asleep.size === 0 && sleepers.get(connectionId) === asleep) sleepers.delete(connectionId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      asleep.add(done);
    });
  }

  return {
    get held() {
      return held;
    },
    async acquire(connectionId, limit) {
      const handed = takeIdle(connectionId);
      if (handed !== undefined) {
        handed.uses++;
        held++;
        return releaser(handed);
      }
      const lease: Lease = { connectionId, holder: `${processId}.${++takes}`, uses: 1 };
      const deadline = Date.now() + waitMs;
      try {
        await prepare(connectionId, limit);
        for (let attempt = 0; ; attempt++) {
          const local = takeIdle(connectionId);
          if (local !== undefined) {
            local.uses++;
            held++;
            return releaser(local);
          }
          if (await tryTake(connectionId, limit, lease.holder)) break;
          const left = deadline - Date.now();
          if (left <= 0) {
            throw new X3UnavailableError(
              `X3 is busy: all ${limit} call slots of this connection stayed in use by x3bridge processes for ${Math.round(waitMs / 1000)} s. Try again shortly, or raise the connection's concurrency if X3's web-service pool allows it.`,
              { retryAfterMs: 1_000 },
            );
          }
          // Jittered and growing, so processes waiting on one connection do not poll in step.
          const ceiling = Math.min(maxPollMs, 2 * 2 ** attempt);
          await sleep(connectionId, Math.min(left, ceiling / 2 + random() * ceiling));
        }
      } catch (error) {
        if (error instanceof X3UnavailableError) throw error;
        // The cap protects X3's small pool, which also answers 503 when full (and reads retry
        // that): losing the database is no reason to stop reaching X3.
        options.onDatabaseError?.(error);
        return () => undefined;
      }
      held++;
      renewLater();
      return releaser(lease);
    },
    async flush() {
      // Hand-overs still pending go back first.
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all([...writing]);
    },
    close() {
      closed = true;
      if (renewal !== undefined) clearInterval(renewal);
      renewal = undefined;
    },
  };
}
