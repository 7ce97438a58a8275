import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock } from '../src/db/data-dir-lock.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import type { AppConfig } from '../src/config.js';
import { openTestStore } from '../src/db/test-support/stores.js';
import { createApiKey, createEnvironment } from '../src/environments/environment.service.js';
import { parseCsv } from '../src/mappings/mapping.csv.js';
import { createSimulator, DEMO_CREDENTIALS, type Simulator } from '../src/simulator/index.js';
import { cliEnv, requireBuild, runCli } from './cli-support.js';

// The server runs in this process and holds its own store; the CLI child only speaks HTTP to it,
// so it never opens a database (its data folder is an empty temporary one).
let sim: Simulator;
let store: Awaited<ReturnType<typeof openTestStore>>;
let app: App;
let url: string;
let key: string;
let connectionId: string;
let workDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  requireBuild();
  // Scale 1.5: 1,500 items, so pages of 500 go past several cursors.
  sim = await createSimulator({ port: 0, quiet: true, scale: 1.5 });
  store = await openTestStore('pglite');
  const config: AppConfig = { ...store.config, allowPrivateHosts: ['127.0.0.1'] };
  app = await createApp(config, { store });
  url = await app.start();
  const environment = await createEnvironment(store.db, 'export-api', 'test');
  key = (await createApiKey(store.db, environment.id, 'cli export', 'test')).key;
  const res = await fetch(`${url}/v1/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Aldgate Packaging Solutions',
      baseUrl: sim.url,
      folder: 'ALDGATE',
      auth: { type: 'client_credentials', ...DEMO_CREDENTIALS.oauth2 },
    }),
  });
  expect(res.status).toBe(201);
  connectionId = ((await res.json()) as { id: string }).id;
  workDir = mkdtempSync(join(tmpdir(), 'x3bridge-export-api-'));
  env = cliEnv({ X3BRIDGE_DATA_DIR: join(workDir, 'data'), X3BRIDGE_API_KEY: key });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await sim?.close();
  await store?.dispose();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('x3bridge export --api', () => {
  it('exports customers as NDJSON through the HTTP API', async () => {
    const r = await runCli(['export', 'customers', '-c', connectionId, '--api', url], env);
    expect(r.stderr).toMatch(/^Exported \d+ record\(s\) of customers as ndjson to standard output/);
    expect(r.code).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { code: string; name: string | null });
    const expected = sim.records('ALDGATE', 'BPCUSTOMER');
    expect(records.length).toBe(expected.length);
    expect(records.map((c) => c.code).sort()).toEqual(expected.map((c) => String(c.BPCNUM)).sort());
    expect(records.every((c) => typeof c.name === 'string' && c.name !== '')).toBe(true);
  }, 60_000);

  it('exports items as CSV across several API pages, to a file', async () => {
    const out = join(workDir, 'items.csv');
    const r = await runCli(
      ['export', 'items', '--connection', connectionId, '--api', `${url}/`, '--format', 'csv', '--out', out],
      env,
    );
    expect(r.stderr).toMatch(/^Exported 1500 record\(s\) of items as csv to .*items\.csv in /);
    expect(r.code).toBe(0);
    const expected = sim.records('ALDGATE', 'ITMMASTER');
    // The API serves at most 500 a page: every record here came after two cursors or more.
    expect(expected.length).toBeGreaterThanOrEqual(1200);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    const header = rows[0]!;
    const body = rows.slice(1).filter((row) => row.some((cell) => cell !== ''));
    expect(body.length).toBe(expected.length);
    const ref = header.indexOf('ref');
    const description = header.indexOf('description');
    expect(ref).toBeGreaterThanOrEqual(0);
    const refs = body.map((row) => row[ref]);
    expect(new Set(refs).size).toBe(expected.length);
    expect([...refs].sort()).toEqual(expected.map((i) => String(i.ITMREF)).sort());
    if (description >= 0) {
      const last = expected[expected.length - 1]!;
      expect(body.find((row) => row[ref] === last.ITMREF)?.[description]).toBe(String(last.ITMDES1));
    }
  }, 90_000);

  it('stops after --limit, asking no more than needed', async () => {
    const r = await runCli(
      ['export', 'items', '-c', connectionId, '--api', url, '--limit', '620', '-q', '--search', 'A'],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(620);
    expect(lines.length).toBeGreaterThan(0);
  }, 60_000);

  it('says the API key is wrong, in one line, exit 1', async () => {
    const r = await runCli(
      ['export', 'customers', '-c', connectionId, '--api', url, '--api-key', 'x3b_not_a_key'],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/refused the API key \(401\): check --api-key or X3BRIDGE_API_KEY/);
    expect(r.stderr).not.toContain('x3b_not_a_key');
  }, 30_000);

  it('says an unknown connection is unknown, exit 1', async () => {
    const r = await runCli(['export', 'customers', '-c', 'con_doesnotexist', '--api', url], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/con_doesnotexist/);
    expect(r.stderr).toMatch(/HTTP 404/);
  }, 30_000);

  it('refuses a filter the API does not have, and a missing key, as usage errors', async () => {
    const country = await runCli(
      ['export', 'customers', '-c', connectionId, '--api', url, '--country', 'GB'],
      env,
    );
    expect(country.code).toBe(2);
    expect(country.stderr).toMatch(/--country is not available with --api/);
    const { X3BRIDGE_API_KEY: _key, ...noKey } = env;
    const missing = await runCli(['export', 'customers', '-c', connectionId, '--api', url], noKey);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--api needs an API key/);
  }, 30_000);

  it('is offered when a running server holds the data folder', async () => {
    const dataDir = join(workDir, 'held');
    const lock = acquireDataDirLock(dataDir, 'x3bridge serve');
    lock.update({ url: 'http://127.0.0.1:3999' });
    try {
      const r = await runCli(['export', 'items', '-c', 'con_x'], cliEnv({ X3BRIDGE_DATA_DIR: dataDir }));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'x3bridge export items --connection con_x --api http://127.0.0.1:3999 --api-key $X3BRIDGE_API_KEY',
      );
    } finally {
      lock.release();
    }
  }, 30_000);
});
