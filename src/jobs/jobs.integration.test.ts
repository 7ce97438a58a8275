import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testBackends } from '../db/test-support/stores.js';
import type { Store } from '../db/index.js';
import { createLogger } from '../observability/index.js';
import { createJobs, isCreationRace } from './jobs.js';

const log = createLogger({ level: 'silent' });

describe.each(testBackends)('jobs on %s', (kind) => {
  let store: Store & { dispose(): Promise<void> };
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('runs a defined job in a worker process and stops cleanly', async () => {
    const jobs = createJobs({ role: 'all' }, store, log, { pollingIntervalSeconds: 0.5 });
    const seen: unknown[] = [];
    let done!: () => void;
    const handled = new Promise<void>((r) => (done = r));
    await jobs.define<{ n: number }>({
      name: 'test-echo',
      queue: { retryLimit: 0 },
      handler: async ([job]) => {
        seen.push(job?.data);
        done();
      },
    });
    await jobs.start();
    expect(jobs.runsWorkers).toBe(true);
    await jobs.boss.send('test-echo', { n: 42 });
    await handled;
    expect(seen).toEqual([{ n: 42 }]);
    await jobs.stop();
    await jobs.stop();
    // The store is still usable after the queue stopped: pg-boss did not close it.
    expect((await store.executeSql('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('only sends in an api-role process', async () => {
    const jobs = createJobs({ role: 'api' }, store, log);
    let called = false;
    await jobs.start();
    await jobs.define({
      name: 'test-api-only',
      handler: async () => {
        called = true;
      },
    });
    const id = await jobs.boss.send('test-api-only', { a: 1 });
    expect(id).toBeTruthy();
    const fetched = await jobs.boss.fetch('test-api-only');
    expect(fetched?.[0]?.id).toBe(id);
    expect(called).toBe(false);
    await jobs.stop();
  });

  it('lets several processes create the same queues at the same moment', async () => {
    // Each Jobs stands for a process starting on a fresh database at the same instant.
    const all = Array.from({ length: 4 }, () => createJobs({ role: 'api' }, store, log));
    for (const jobs of all) {
      for (const name of ['race-a', 'race-b', 'race-c']) await jobs.define({ name, handler: async () => {} });
    }
    const started = await Promise.allSettled(all.map((j) => j.start()));
    expect(started.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await all[0]!.boss.getQueue('race-b')).toBeTruthy();
    await Promise.all(all.map((j) => j.stop()));
  });
});

describe('queue creation races', () => {
  it('are told from other failures by their Postgres codes', () => {
    expect(isCreationRace({ code: '40P01' })).toBe(true);
    expect(isCreationRace({ code: '23505' })).toBe(true);
    expect(isCreationRace({ code: '42P01' })).toBe(false);
    expect(isCreationRace(new Error('boom'))).toBe(false);
    expect(isCreationRace(null)).toBe(false);
  });
});
