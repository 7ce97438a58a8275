import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testBackends } from '../db/test-support/stores.js';
import type { Store } from '../db/index.js';
import { createLogger } from '../observability/index.js';
import { createJobs } from './jobs.js';

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
});
