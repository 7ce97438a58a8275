/* eslint-disable @typescript-eslint/no-explicit-any -- JSON read back from the API and the simulator */
// Three x3bridge server processes on one Postgres, one simulated X3 tenant: the per-connection
// cap, the token and the quote-to-order promise must hold across processes, not only within one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/db/index.js';
import { createTestDatabase, testConfig } from '../src/db/test-support/stores.js';
import { createApiKey, createEnvironment } from '../src/environments/environment.service.js';
import { createSimulator, DEMO_CREDENTIALS, type Simulator } from '../src/simulator/index.js';
import { quoteBody, waitFor } from './orders-support.js';

const PROCESSES = 3;
/** The connection's cap, and X3's pool: one call past it answers 503. */
const CAP = 2;
const HOLD_MS = 150;
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface LogEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  time: string;
  fault?: string;
}

async function json(url: string, init?: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

/** Most calls X3 held at once, from the log's durations; edges trimmed for its ms rounding. */
function peakInFlight(entries: LogEntry[]): number {
  const edges: Array<[number, number]> = [];
  for (const e of entries) {
    const end = Date.parse(e.time);
    edges.push([end - e.ms + 2, 1], [end - 2, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (now += d));
  return peak;
}

describe(`${PROCESSES} x3bridge processes on one Postgres`, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let simulator: Simulator;
  let key = '';
  let connection = '';
  const urls: string[] = [];
  const children: ChildProcess[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'x3b-scaleout-'));

  const sim = (path: string, init?: RequestInit) => json(`${simulator.url}${path}`, init);
  const faults = (rules: unknown[]) =>
    sim('/__sim/faults', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules }),
    });
  const log = async (): Promise<LogEntry[]> => (await sim('/__sim/requests')).body;
  const call = (n: number, method: string, path: string, body?: unknown) =>
    json(`${urls[n % PROCESSES]}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  function startServer(): Promise<string> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database.url,
        X3BRIDGE_MASTER_KEYS: `test1:${Buffer.alloc(32, 1).toString('base64')}`,
        X3BRIDGE_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
        X3BRIDGE_DATA_DIR: dataDir,
        X3BRIDGE_HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        CI: '1',
      },
    });
    children.push(child);
    return new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const m = /x3bridge listening at (\S+)/.exec(line);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`a server exited before listening (${code})`)));
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    // Migrated once here; the servers find nothing left to do.
    store = await openStore(testConfig({ databaseUrl: database.url }), { migrate: true, command: 'test' });
    simulator = await createSimulator({ port: 0, quiet: true, poolSize: CAP });
    const env = await createEnvironment(store.db, 'scaleout', 'test');
    key = (await createApiKey(store.db, env.id, 'test', 'test')).key;
    // All at once, as an orchestrator would start them on a new database.
    urls.push(...(await Promise.all(Array.from({ length: PROCESSES }, () => startServer()))));

    const created = await call(0, 'POST', '/v1/connections', {
      name: 'Aldgate',
      baseUrl: simulator.url,
      folder: 'ALDGATE',
      auth: { type: 'client_credentials', ...DEMO_CREDENTIALS.oauth2 },
      settings: { concurrency: CAP },
    });
    expect(created.status, created.text).toBe(201);
    connection = created.body.id;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    await simulator?.close();
    await store?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it(`keeps at most ${CAP} calls in X3 at once and mints one token on a cold start`, async () => {
    await sim('/__sim/requests', { method: 'DELETE' });
    expect(
      (await faults([{ match: { method: 'GET', class: 'BPCUSTOMER' }, action: 'delay', ms: HOLD_MS }]))
        .status,
    ).toBe(200);
    const reads = await Promise.all(
      Array.from({ length: 8 * PROCESSES }, (_, i) =>
        call(i, 'GET', `/v1/connections/${connection}/customers/C000${(i % 4) + 1}`),
      ),
    );
    for (const r of reads) expect(r.status, r.text).toBe(200);

    const entries = await log();
    const folderCalls = entries.filter((e) => e.path.includes('/ALDGATE/'));
    expect(folderCalls.length).toBeGreaterThanOrEqual(reads.length);
    // X3's own pool is CAP wide: a call past the cap would have been answered 503.
    expect(folderCalls.filter((e) => e.status === 503)).toEqual([]);
    expect(peakInFlight(folderCalls)).toBe(CAP);
    expect(entries.filter((e) => e.path === '/oauth2/token')).toHaveLength(1);
  }, 60_000);

  it('mints exactly one more token when X3 expires it under every process', async () => {
    await sim('/__sim/requests', { method: 'DELETE' });
    await faults([
      { match: { method: 'GET' }, action: 'token_expire', times: 1 },
      { match: { method: 'GET', class: 'BPCUSTOMER' }, action: 'delay', ms: 50 },
    ]);
    const reads = await Promise.all(
      Array.from({ length: 4 * PROCESSES }, (_, i) =>
        call(i, 'GET', `/v1/connections/${connection}/customers/C000${(i % 4) + 1}`),
      ),
    );
    for (const r of reads) expect(r.status, r.text).toBe(200);
    const entries = await log();
    // Every process held the revoked token; each was refused once and found the new one.
    expect(entries.filter((e) => e.status === 401).length).toBeGreaterThanOrEqual(PROCESSES);
    expect(entries.filter((e) => e.path === '/oauth2/token')).toHaveLength(1);
    expect(entries.filter((e) => e.status === 503)).toEqual([]);
  }, 60_000);

  it('turns 50 quotes, each accepted on two processes at once, into 50 X3 orders', async () => {
    await sim('/__sim/faults', { method: 'DELETE' });
    expect(
      (
        await call(0, 'PUT', `/v1/connections/${connection}/mappings/products`, [
          { productCode: 'P-BOX-S', itemRef: 'BOX-S-200' },
          { productCode: 'P-TAPE', itemRef: 'TAPE-48-BRN' },
        ])
      ).status,
    ).toBe(200);
    expect(
      (
        await call(1, 'PUT', `/v1/connections/${connection}/mappings/customers`, [
          { customerAccount: 'ACC-1001', customerCode: 'C0001' },
        ])
      ).status,
    ).toBe(200);
    const ids = Array.from({ length: 50 }, (_, i) => `scale-${i}`);
    const answers = await Promise.all(
      ids.flatMap((id, i) => [
        call(i, 'POST', `/v1/connections/${connection}/quotes/${id}/accept`, quoteBody()),
        call(i + 1, 'POST', `/v1/connections/${connection}/quotes/${id}/accept`, quoteBody()),
      ]),
    );
    for (const a of answers) expect([200, 201, 202], a.text).toContain(a.status);

    // A replay that met the other process mid-send answers pending; the sender finishes it.
    const statusOf = async (id: string, n: number) =>
      (await call(n, 'GET', `/v1/connections/${connection}/quotes/${id}`)).body;
    await waitFor(async () => {
      const quotes = await Promise.all(ids.map((id, i) => statusOf(id, i + 2)));
      return quotes.every((q) => q.status === 'created');
    }, 'every quote to be created');

    const orders = ((await sim('/__sim/folders/ALDGATE/SORDER')).body as any[]).filter((o) =>
      ids.includes(o.CUSORDREF),
    );
    expect(orders).toHaveLength(ids.length);
    expect(new Set(orders.map((o) => o.CUSORDREF)).size).toBe(ids.length);
    const byRef = new Map(orders.map((o) => [o.CUSORDREF as string, o.SOHNUM as string]));
    for (const [i, id] of ids.entries()) expect((await statusOf(id, i)).orderNumber).toBe(byRef.get(id));
    expect((await log()).filter((e) => e.status === 503)).toEqual([]);
  }, 120_000);
});
