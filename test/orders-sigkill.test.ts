/* eslint-disable @typescript-eslint/no-explicit-any -- JSON read back from the simulator and SQL rows */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { openStore, type Store } from '../src/db/index.js';
import { createTestDatabase, testConfig } from '../src/db/test-support/stores.js';
import { createApiKey, createEnvironment } from '../src/environments/environment.service.js';
import { orderServices } from '../src/orders/order.deps.js';
import { processPendingQuotes } from '../src/orders/order.service.js';
import { createSimulator, DEMO_CREDENTIALS, type Simulator } from '../src/simulator/index.js';
import { FAR_FUTURE_MS, quoteBody, waitFor } from './orders-support.js';

// Postgres only: two processes share the database here, and an embedded data folder has one owner.
const QUOTES = 50;
// Long enough to kill the sender while X3 holds its creates, short enough to wait out afterwards.
const HOLD_MS = 10_000;
const CHILD = fileURLToPath(new URL('./orders-sigkill.child.ts', import.meta.url));

async function json(url: string, init?: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

describe('a sender killed with SIGKILL while X3 holds its creates (Postgres)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let simulator: Simulator;
  let child: ChildProcess | null = null;
  let survivor: App | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'x3b-sigkill-'));

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openStore(testConfig({ databaseUrl: database.url }), { migrate: true, command: 'test' });
    simulator = await createSimulator({ port: 0, quiet: true });
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await survivor?.stop();
    await simulator?.close();
    await store?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const sim = (path: string, init?: RequestInit) => json(`${simulator.url}${path}`, init);
  const sql = async (text: string, values?: unknown[]) => (await store.executeSql(text, values)).rows;

  it(`ends ${QUOTES} quotes as exactly ${QUOTES} X3 orders after the sender dies mid-create`, async () => {
    const env = await createEnvironment(store.db, 'sigkill', 'test');
    const key = (await createApiKey(store.db, env.id, 'test', 'test')).key;
    const config = testConfig({ databaseUrl: database.url, allowPrivateHosts: ['127.0.0.1'] });

    child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database.url,
        X3BRIDGE_MASTER_KEYS: `test1:${Buffer.alloc(32, 1).toString('base64')}`,
        X3BRIDGE_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
        X3BRIDGE_DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
      },
    });
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    const url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child!.stdout! });
      lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
      child!.once('exit', (code) => reject(new Error(`the sender exited early (${code})`)));
    });
    const call = (method: string, path: string, body?: unknown) =>
      json(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });

    const created = await call('POST', '/v1/connections', {
      name: 'Aldgate',
      baseUrl: simulator.url,
      folder: 'ALDGATE',
      auth: { type: 'client_credentials', ...DEMO_CREDENTIALS.oauth2 },
    });
    expect(created.status, created.text).toBe(201);
    const conn = created.body.id as string;
    expect(
      (
        await call('PUT', `/v1/connections/${conn}/mappings/products`, [
          { productCode: 'P-BOX-S', itemRef: 'BOX-S-200' },
          { productCode: 'P-TAPE', itemRef: 'TAPE-48-BRN' },
        ])
      ).status,
    ).toBe(200);
    expect(
      (
        await call('PUT', `/v1/connections/${conn}/mappings/customers`, [
          { customerAccount: 'ACC-1001', customerCode: 'C0001' },
        ])
      ).status,
    ).toBe(200);
    // One quote first, so that the checks against X3 are cached and the 50 go straight to the create.
    expect((await call('POST', `/v1/connections/${conn}/quotes/kill-warm/accept`, quoteBody())).status).toBe(
      201,
    );

    const ids = Array.from({ length: QUOTES }, (_, i) => `kill-${i}`);
    const put = await sim('/__sim/faults', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rules: [{ match: { method: 'POST', class: 'SORDER' }, action: 'delay', ms: HOLD_MS, times: QUOTES }],
      }),
    });
    expect(put.status).toBe(200);
    await sim('/__sim/requests', { method: 'DELETE' });
    // Answers never come: the sender dies first.
    for (const id of ids) {
      void call('POST', `/v1/connections/${conn}/quotes/${id}/accept`, quoteBody()).catch(() => undefined);
    }

    const reachedX3 = async () => {
      const rules = (await sim('/__sim/faults')).body.rules as Array<{ times: number }>;
      return QUOTES - (rules[0]?.times ?? QUOTES);
    };
    // Every quote stored and claimed by the sender, and the creates its X3 client lets out at
    // once have reached X3 and are being held there.
    await waitFor(async () => {
      const [row] = await sql(
        `select count(*)::int as n from quotes where quote_id like 'kill-%' and quote_id <> 'kill-warm' and status = 'sending'`,
      );
      return Number(row.n) === QUOTES && (await reachedX3()) >= 4;
    }, 'the sender to claim every quote and send its first creates');
    child.kill('SIGKILL');
    await exited;
    expect(child.signalCode).toBe('SIGKILL');
    const held = await reachedX3();
    await sim('/__sim/faults', { method: 'DELETE' });

    // The kill landed between sending and recording: nothing recorded, nothing in X3 yet.
    const inFlight = await sql(
      `select count(*)::int as n from order_attempts where outcome = 'in_flight' and quote_id = any($1::text[])`,
      [ids],
    );
    expect(Number(inFlight[0].n)).toBe(QUOTES);
    const ordersFor = async () =>
      ((await sim('/__sim/folders/ALDGATE/SORDER')).body as any[]).filter((o) => ids.includes(o.CUSORDREF));
    expect(await ordersFor()).toHaveLength(0);

    // X3 finishes what it was holding although its caller is gone; the log shows each when done.
    await waitFor(
      async () =>
        ((await sim('/__sim/requests')).body as any[]).filter(
          (r) => r.method === 'POST' && r.fault === 'delay',
        ).length >= held,
      'X3 to finish the creates it was holding',
      Math.ceil((HOLD_MS * 2) / 25),
    );
    expect(await ordersFor()).toHaveLength(held);

    // Another process takes over once the dead sender's lease has lapsed.
    survivor = await createApp(config, { store, jobs: false });
    const { orders } = orderServices(survivor.deps);
    for (let round = 0; round < 10; round++) {
      const r = await processPendingQuotes(orders, {
        now: new Date(Date.now() + FAR_FUTURE_MS * (round + 1)),
        concurrency: 8,
      });
      if (r.processed === 0) break;
    }

    const inX3 = await ordersFor();
    expect(inX3).toHaveLength(QUOTES);
    expect(new Set(inX3.map((o) => o.CUSORDREF)).size).toBe(QUOTES);
    const byRef = new Map(inX3.map((o) => [o.CUSORDREF as string, o.SOHNUM as string]));
    const quotes = await sql(
      `select quote_id, status, order_number from quotes where quote_id = any($1::text[])`,
      [ids],
    );
    for (const q of quotes) {
      expect(q.status, q.quote_id).toBe('created');
      expect(q.order_number).toBe(byRef.get(q.quote_id));
    }
    const outcomes = await sql(
      `select outcome, count(*)::int as n from order_attempts where quote_id = any($1::text[]) group by outcome`,
      [ids],
    );
    const tally = Object.fromEntries(outcomes.map((o) => [o.outcome, Number(o.n)]));
    // Each dead attempt is closed as uncertain; the orders X3 committed are adopted, the rest sent once.
    expect(tally).toEqual({ uncertain: QUOTES, adopted: held, created: QUOTES - held });
  }, 120_000);
});
