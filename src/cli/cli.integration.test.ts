import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db/index.js';
import { createTestDatabase } from '../db/test-support/stores.js';
import { authenticate } from '../environments/index.js';
import { createVault } from '../secrets/index.js';
import { loadConfig } from '../config.js';
import { registerKeysCommand } from './keys.command.js';
import { registerMigrateCommand } from './migrate.command.js';
import { serve } from './serve.command.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'x3b-cli-'));
  dirs.push(dir);
  return dir;
}

/** Runs `x3bridge <args>` in-process with its own environment; returns what it printed. */
async function run(env: Record<string, string>, ...args: string[]): Promise<string> {
  let text = '';
  const io = { env: { LOG_LEVEL: 'silent', ...env }, stdout: { write: (s: string) => (text += s) } };
  const program = new Command().exitOverride();
  registerMigrateCommand(program, io);
  registerKeysCommand(program, io);
  await program.parseAsync(['node', 'x3bridge', ...args]);
  return text;
}

describe('admin commands on Postgres', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  let store: Store;
  beforeAll(async () => {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, X3BRIDGE_DATA_DIR: tempDir() };
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('migrate applies everything once', async () => {
    expect(await run(env, 'migrate')).toMatch(/applied 0001_foundation/);
    expect(await run(env, 'migrate')).toMatch(/up to date/);
  });

  it('keys create prints a working key once and creates the environment', async () => {
    const output = await run(env, 'keys', 'create', '--environment', 'acme', '--name', 'backend');
    expect(output).toMatch(/Created environment "acme"/);
    const key = /x3b_live_[0-9A-Za-z]{43}/.exec(output)?.[0];
    expect(key).toBeDefined();
    store = await openStore(loadConfig(env), { migrate: false });
    expect((await authenticate(store.db, key!))?.environmentName).toBe('acme');
    const second = await run(env, 'keys', 'create', '--environment', 'acme');
    expect(second).not.toMatch(/Created environment/);
    const listed = await run(env, 'keys', 'list', '--environment', 'acme');
    expect(listed.trim().split('\n')).toHaveLength(2);
    expect(listed).not.toContain(key);
  });

  it('keys rotate adds a master key to the key file and re-wraps every connection and webhook secret', async () => {
    const config = loadConfig(env);
    const before = await createVault(config);
    const environment = await store.db.selectFrom('environments').select('id').executeTakeFirstOrThrow();
    for (const id of ['conn_r1', 'conn_r2', 'conn_r3']) {
      await store.db
        .insertInto('connections')
        .values({
          id,
          environment_id: environment.id,
          name: id,
          external_id: null,
          base_url: 'https://x3.example.com',
          folder: 'ALDGATE',
          auth_type: 'client_credentials',
          client_id_hint: 'ald…',
          credentials_sealed: before.seal(JSON.stringify({ clientSecret: `s-${id}` }), id),
          settings: '{}',
          status: 'active',
        })
        .execute();
    }
    await store.db
      .insertInto('webhooks')
      .values({
        id: 'wh_r1',
        environment_id: environment.id,
        url: 'https://hooks.example.com/x3',
        events: JSON.stringify(['order.created']),
        description: null,
        secret_sealed: before.seal('whsec-r1', 'wh_r1'),
      })
      .execute();
    const output = await run(env, 'keys', 'rotate', '--batch-size', '2');
    expect(output).toMatch(/Added master key "mk-/);
    expect(output).toMatch(/Re-wrapped 3 of 3 connection credential/);
    expect(output).toMatch(/Re-wrapped 1 of 1 webhook signing secret/);
    const webhook = await store.db.selectFrom('webhooks').select('secret_sealed').executeTakeFirstOrThrow();
    const after = await createVault(config);
    expect(after.currentKeyId).not.toBe(before.currentKeyId);
    expect(after.keyIdOf(webhook.secret_sealed)).toBe(after.currentKeyId);
    expect(after.open(webhook.secret_sealed, 'wh_r1')).toBe('whsec-r1');
    const rows = await store.db.selectFrom('connections').select(['id', 'credentials_sealed']).execute();
    for (const row of rows) {
      expect(after.keyIdOf(row.credentials_sealed)).toBe(after.currentKeyId);
      expect(JSON.parse(after.open(row.credentials_sealed, row.id))).toEqual({ clientSecret: `s-${row.id}` });
    }
  });

  it('keys rotate with X3BRIDGE_MASTER_KEYS says how to add a key when there is nothing to do', async () => {
    // Seal under the env-configured ring first so every row is on its newest key.
    const ring = `only:${Buffer.alloc(32, 9).toString('base64')}`;
    const withEnvKeys = { ...env, X3BRIDGE_MASTER_KEYS: ring };
    const fileVault = await createVault(loadConfig(env));
    const envVault = await createVault(loadConfig(withEnvKeys));
    const rows = await store.db.selectFrom('connections').select(['id', 'credentials_sealed']).execute();
    for (const row of rows) {
      const plaintext = fileVault.open(row.credentials_sealed, row.id);
      await store.db
        .updateTable('connections')
        .set({ credentials_sealed: envVault.seal(plaintext, row.id) })
        .where('id', '=', row.id)
        .execute();
    }
    for (const hook of await store.db.selectFrom('webhooks').select(['id', 'secret_sealed']).execute()) {
      await store.db
        .updateTable('webhooks')
        .set({ secret_sealed: envVault.seal(fileVault.open(hook.secret_sealed, hook.id), hook.id) })
        .where('id', '=', hook.id)
        .execute();
    }
    const output = await run(withEnvKeys, 'keys', 'rotate');
    expect(output).toMatch(/Re-wrapped 0 of 3/);
    expect(output).toMatch(/add a new key at the end of X3BRIDGE_MASTER_KEYS/);
  });
});

describe('admin commands beside a running embedded server', () => {
  it('explain which process holds the data folder and how to proceed', async () => {
    const dataDir = tempDir();
    const env = { X3BRIDGE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const server = await serve({ port: 0 }, { env, stdout: { write: () => true } });
    try {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      const attempt = run(env, 'keys', 'create', '--environment', 'acme');
      await expect(attempt).rejects.toThrow(
        new RegExp(`x3bridge serve at ${server.url.replace(/[.]/g, '\\.')}`),
      );
      await expect(attempt).rejects.toThrow(/stop that process[\s\S]*DATABASE_URL/);
      // No HTTP route creates keys: the message must not send the user looking for one.
      await expect(attempt).rejects.not.toThrow(/curl/);
      await expect(run(env, 'migrate')).rejects.toThrow(/stop that process[\s\S]*DATABASE_URL/);
    } finally {
      await server.stop();
    }
    // Once the server is gone the same command works.
    expect(await run(env, 'keys', 'create', '--environment', 'acme')).toMatch(/x3b_live_/);
  });
});

describe('serve --demo', () => {
  it('starts the simulator, connects Aldgate and prints a working API key', async () => {
    let printed = '';
    const server = await serve(
      { port: 0, demo: true },
      {
        env: { X3BRIDGE_DATA_DIR: 'memory://', LOG_LEVEL: 'silent' },
        stdout: { write: (s: string) => (printed += s) },
      },
    );
    try {
      const key = /Demo API key[^:]*: (x3b_live_\S+)/.exec(printed)?.[1];
      expect(key).toBeDefined();
      expect(printed).toContain(server.demo!.simulatorUrl);
      const res = await fetch(`${server.url}/v1/connections/${server.demo!.connectionId}/customers?limit=1`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
