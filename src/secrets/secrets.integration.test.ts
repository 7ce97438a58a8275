import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testBackends, testConfig } from '../db/test-support/stores.js';
import type { Store } from '../db/store.js';
import { addKeyToFile, keyFilePath } from './key-file.js';
import { createVault } from './index.js';
import { rotateSealedColumn } from './rotate.service.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'x3b-keys-'));
  dirs.push(dir);
  return dir;
}

describe('key file', () => {
  it('is created 0600 on first run, announced once, and reused after', async () => {
    const dataDir = tempDir();
    const warnings: string[] = [];
    const log = { warn: (...a: unknown[]) => void warnings.push(String(a[a.length - 1])), info: () => {} };
    const config = testConfig({ dataDir, masterKeys: null });
    const first = await createVault(config, log);
    expect(statSync(keyFilePath(dataDir)).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/created a master key at .*master\.key; back it up/);
    const sealed = first.seal('secret', 'conn_1');
    const second = await createVault(config, log);
    expect(warnings).toHaveLength(1);
    expect(second.open(sealed, 'conn_1')).toBe('secret');
  });

  it('a running vault opens values sealed under a key added to the file since it started', async () => {
    const dataDir = tempDir();
    const config = testConfig({ dataDir, masterKeys: null });
    const running = await createVault(config);
    addKeyToFile(keyFilePath(dataDir));
    const rotated = await createVault(config);
    expect(rotated.currentKeyId).not.toBe(running.currentKeyId);
    expect(running.open(rotated.seal('secret', 'c'), 'c')).toBe('secret');
  });
});

describe.each(testBackends)('keys rotate on %s', (kind) => {
  let store: Store & { dispose(): Promise<void> };
  beforeAll(async () => {
    store = await openTestStore(kind);
    await store.executeSql('create table sealed_things (id text primary key, secret_sealed text)');
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('re-wraps every row in batches and leaves every secret readable', async () => {
    const dataDir = tempDir();
    const config = testConfig({ dataDir, masterKeys: null });
    const before = await createVault(config);
    const ids = Array.from({ length: 7 }, (_, i) => `conn_${i}`);
    for (const id of ids) {
      await store.executeSql('insert into sealed_things (id, secret_sealed) values ($1, $2)', [
        id,
        before.seal(`secret-${id}`, id),
      ]);
    }
    await store.executeSql(`insert into sealed_things (id, secret_sealed) values ('conn_none', null)`);
    addKeyToFile(keyFilePath(dataDir));
    const after = await createVault(config);
    const target = { table: 'sealed_things', idColumn: 'id', sealedColumn: 'secret_sealed' };
    const progress: number[] = [];
    const result = await rotateSealedColumn(store.db, after, target, {
      batchSize: 3,
      onProgress: (p) => progress.push(p.scanned),
    });
    expect(result).toEqual({ scanned: 7, rewrapped: 7, keyId: after.currentKeyId });
    expect(progress).toEqual([3, 6, 7]);
    const { rows } = await store.executeSql(
      'select id, secret_sealed from sealed_things where secret_sealed is not null',
    );
    for (const row of rows as Array<{ id: string; secret_sealed: string }>) {
      expect(after.keyIdOf(row.secret_sealed)).toBe(after.currentKeyId);
      expect(after.open(row.secret_sealed, row.id)).toBe(`secret-${row.id}`);
    }
    const again = await rotateSealedColumn(store.db, after, target, { batchSize: 3 });
    expect(again.rewrapped).toBe(0);
  });
});
