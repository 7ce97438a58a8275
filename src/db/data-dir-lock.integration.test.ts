import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE } from './data-dir-lock.js';
import { openStore } from './store.js';
import { testConfig } from './test-support/stores.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'x3b-lock-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('data folder lock', () => {
  it('refuses a second owner and names the first', () => {
    const dir = tempDir();
    const first = acquireDataDirLock(dir, 'x3bridge serve');
    first.update({ url: 'http://127.0.0.1:3999' });
    try {
      expect(() => acquireDataDirLock(dir, 'x3bridge keys create')).toThrow(DataDirLockedError);
      expect(() => acquireDataDirLock(dir, 'x3bridge keys create')).toThrow(
        /x3bridge serve at http:\/\/127\.0\.0\.1:3999.*DATABASE_URL/s,
      );
    } finally {
      first.release();
    }
    acquireDataDirLock(dir, 'again').release();
  });

  it('refuses a lock held by another live process on this host', () => {
    const dir = tempDir();
    // The test runner's parent process is alive and is not this process.
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid: process.ppid,
        hostname: hostname(),
        command: 'x3bridge serve',
        startedAt: '2026-01-01T00:00:00.000Z',
        url: 'http://127.0.0.1:3000',
      }),
    );
    expect(() => acquireDataDirLock(dir, 'x3bridge keys create')).toThrow(
      new RegExp(`x3bridge serve at http://127\\.0\\.0\\.1:3000, pid ${process.ppid}`),
    );
  });

  it('takes over a lock left by a process that died', () => {
    const dir = tempDir();
    const child = spawnSync(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: deadPid, hostname: hostname(), command: 'x3bridge serve', startedAt: 'earlier' }),
    );
    const lock = acquireDataDirLock(dir, 'x3bridge serve');
    expect(lock.owner.pid).toBe(process.pid);
    lock.release();
  });

  it('keeps the embedded database for one store at a time and its data across reopen', async () => {
    const dir = tempDir();
    const config = testConfig({ dataDir: dir });
    const first = await openStore(config, { command: 'x3bridge serve' });
    try {
      await first.db.insertInto('environments').values({ id: 'env_persist', name: 'persist' }).execute();
      await expect(openStore(config, { command: 'x3bridge migrate' })).rejects.toThrow(DataDirLockedError);
    } finally {
      await first.close();
    }
    const reopened = await openStore(config, { command: 'x3bridge migrate' });
    try {
      const row = await reopened.db.selectFrom('environments').select('name').executeTakeFirst();
      expect(row?.name).toBe('persist');
    } finally {
      await reopened.close();
    }
  });
});
