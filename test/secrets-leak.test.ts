import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import type { AppConfig } from '../src/config.js';
import type { Store } from '../src/db/index.js';
import { openTestStore, testBackends, testConfig } from '../src/db/test-support/stores.js';
import { createApiKey, createEnvironment } from '../src/environments/environment.service.js';
import { orderServices } from '../src/orders/order.deps.js';
import { createSimulator, type Simulator } from '../src/simulator/index.js';
import { emitEvent, processWebhookDeliveries } from '../src/webhooks/webhook.service.js';
import { verifyWebhookSignature } from '../src/webhooks/webhook.signature.js';
import { waitFor } from './orders-support.js';

/** Distinctive values that must be found nowhere but in memory. */
const canary = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

describe.each(testBackends)('no secret is ever stored, logged or answered (%s)', (kind) => {
  const secrets = {
    first: canary('first-secret'),
    second: canary('second-secret'),
    refused: canary('refused-secret'),
    password: canary('basic-password'),
  };
  const clients = { first: 'leak-client-one', second: 'leak-client-two' };
  const logs: string[] = [];
  const responses: string[] = [];
  /** Secrets x3bridge makes itself (API key, webhook signing secret): given out once, at creation. */
  const minted: string[] = [];
  let consumer: ReturnType<typeof createServer> | null = null;
  let simulator: Simulator;
  let app: App;
  let dataDir: string | null = null;
  let ownedStore: (Store & { dispose(): Promise<void>; config: AppConfig }) | null = null;

  afterAll(async () => {
    if (consumer) await new Promise<void>((resolve) => consumer!.close(() => resolve()));
    await app?.stop().catch(() => undefined);
    await simulator?.close();
    await ownedStore?.dispose();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Every spelling under which a secret could travel: plain, URL-encoded, in a Basic header. */
  function spellings(): string[] {
    const out = [...Object.values(secrets), ...minted].flatMap((s) => [s, encodeURIComponent(s)]);
    out.push(Buffer.from(`${clients.first}:${secrets.first}`).toString('base64'));
    out.push(Buffer.from(`${clients.second}:${secrets.second}`).toString('base64'));
    out.push(Buffer.from(`LEAKUSER:${secrets.password}`).toString('base64'));
    return out;
  }

  it('runs a full session and finds the secrets nowhere', async () => {
    simulator = await createSimulator({
      port: 0,
      quiet: true,
      credentials: {
        clients: [
          { clientId: clients.first, clientSecret: secrets.first },
          { clientId: clients.second, clientSecret: secrets.second },
        ],
        basicUsers: [{ user: 'LEAKUSER', password: secrets.password }],
      },
    });
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    let config: AppConfig;
    if (kind === 'pglite') {
      dataDir = mkdtempSync(join(tmpdir(), 'x3bridge-leak-'));
      config = { ...testConfig({ dataDir }), logLevel: 'trace', allowPrivateHosts: ['127.0.0.1'] };
      app = await createApp(config, { logStream });
    } else {
      ownedStore = await openTestStore('postgres');
      config = { ...ownedStore.config, logLevel: 'trace', allowPrivateHosts: ['127.0.0.1'] };
      app = await createApp(config, { store: ownedStore, logStream });
    }
    const url = await app.start();
    const db = app.deps.store.db;
    const env = await createEnvironment(db, 'leak', 'test');
    const key = (await createApiKey(db, env.id, 'leak', 'test')).key;
    minted.push(key);

    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      responses.push(text, JSON.stringify(Object.fromEntries(res.headers)));
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };

    const auth = { type: 'client_credentials', clientId: clients.first, clientSecret: secrets.first };
    const input = { name: 'Leak check', baseUrl: simulator.url, folder: 'ALDGATE', auth };
    expect((await call('POST', '/v1/connections/check', input)).status).toBe(200);
    const created = await call('POST', '/v1/connections', input);
    expect(created.status).toBe(201);
    const base = `/v1/connections/${created.body.id}`;

    expect((await call('GET', '/v1/connections')).status).toBe(200);
    expect((await call('GET', base)).status).toBe(200);
    expect((await call('GET', `${base}/customers?limit=3&include=raw`)).status).toBe(200);
    expect((await call('GET', `${base}/customers/C0001`)).status).toBe(200);
    expect((await call('GET', `${base}/items/BOX-S-200`)).status).toBe(200);
    const code = `LK${Date.now().toString().slice(-8)}`;
    expect(
      (await call('POST', `${base}/customers`, { code, name: 'Leak Ltd', currency: 'GBP' })).status,
    ).toBe(201);
    const order = {
      salesSite: 'ALD01',
      customerCode: 'C0001',
      customerOrderReference: `LEAK-${randomUUID().slice(0, 8)}`,
      lines: [{ itemRef: 'BOX-S-200', quantity: 3 }],
    };
    expect(
      (await call('POST', `${base}/sales-orders`, order, { 'idempotency-key': randomUUID() })).status,
    ).toBe(201);
    expect((await call('POST', `${base}/check`)).status).toBe(200);

    // A rotation X3 refuses, one it accepts, and an expired-token run through the new client.
    const refused = await call('PATCH', base, {
      auth: { type: 'client_credentials', clientId: clients.first, clientSecret: secrets.refused },
    });
    expect(refused.status).toBe(422);
    const rotated = await call('PATCH', base, {
      auth: { type: 'client_credentials', clientId: clients.second, clientSecret: secrets.second },
    });
    expect(rotated.status).toBe(200);
    simulator.setFaults([{ action: 'token_expire', times: 1 }]);
    expect((await call('GET', `${base}/customers/C0001`)).status).toBe(200);
    simulator.clearFaults();

    const basic = await call('POST', '/v1/connections', {
      name: 'Leak basic',
      baseUrl: simulator.url,
      folder: 'ALDGATE',
      auth: { type: 'basic', user: 'LEAKUSER', password: secrets.password },
    });
    expect(basic.status).toBe(201);
    expect((await call('GET', `/v1/connections/${basic.body.id}/customers?limit=1`)).status).toBe(200);
    const wrongBasic = await call('POST', '/v1/connections/check', {
      name: 'Leak basic',
      baseUrl: simulator.url,
      folder: 'ALDGATE',
      auth: { type: 'basic', user: 'LEAKUSER', password: secrets.refused },
    });
    expect(wrongBasic.status).toBe(422);

    // A wrong key that contains the real one is refused without echoing what was sent.
    const wrongKey = await fetch(`${url}/v1/connections`, { headers: { authorization: `Bearer ${key}x` } });
    responses.push(await wrongKey.text(), JSON.stringify(Object.fromEntries(wrongKey.headers)));
    expect(wrongKey.status).toBe(401);

    // The API key is stored hashed only: the row holds its SHA-256 and a short display prefix.
    const keyRows = (
      await app.deps.store.executeSql('select * from api_keys where environment_id = $1', [env.id])
    ).rows as Array<Record<string, unknown>>;
    expect(keyRows).toHaveLength(1);
    expect(keyRows[0]!.hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(key.startsWith(String(keyRows[0]!.prefix))).toBe(true);
    expect(String(keyRows[0]!.prefix).length).toBeLessThan(key.length / 2);
    expect(JSON.stringify(keyRows)).not.toContain(key);

    // A webhook: its signing secret is answered once, then only used to sign deliveries.
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    consumer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => consumer!.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(consumer.address() as { port: number }).port}/hook`;
    const hook = await call('POST', '/v1/webhooks', { url: hookUrl, events: ['order.created'] });
    expect(hook.status).toBe(201);
    const hookSecret = hook.body.secret as string;
    expect(hookSecret).toMatch(/^whsec_/);
    minted.push(hookSecret);
    // The creation answer is the one place the secret may appear: keep it out of the scan.
    const creation = responses.splice(-2, 2);
    expect(creation[0]).toContain(hookSecret);
    await emitEvent(db, { environmentId: env.id, type: 'order.created', data: { quoteId: 'Q-LEAK' } });
    await waitFor(async () => {
      await processWebhookDeliveries(orderServices(app.deps).webhooks);
      return received.length > 0;
    }, 'a webhook delivery');
    const [delivery] = received;
    // Positive control: the delivery was signed with that very secret.
    expect(
      verifyWebhookSignature(hookSecret, delivery!.headers['x3bridge-signature'], delivery!.body).ok,
    ).toBe(true);
    expect(JSON.stringify(delivery)).not.toContain(hookSecret);
    expect((await call('GET', '/v1/webhooks')).status).toBe(200);
    expect((await call('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).status).toBe(200);

    // The database, every table of every schema, as text.
    const tables = await app.deps.store.executeSql(
      `select table_schema, table_name from information_schema.tables
       where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'`,
    );
    expect(tables.rows.length).toBeGreaterThan(5);
    const dump: string[] = [];
    for (const t of tables.rows as Array<{ table_schema: string; table_name: string }>) {
      const rows = await app.deps.store.executeSql(
        `select t::text as row from "${t.table_schema}"."${t.table_name}" t`,
      );
      for (const r of rows.rows as Array<{ row: string }>) dump.push(r.row);
    }
    const dbText = dump.join('\n');
    // The credentials are there, sealed: the scan would see them if they were in plaintext.
    expect(dbText).toContain('v1.');
    expect(dbText).toContain('Leak check');

    await app.stop();
    const fileTexts: Array<[string, string]> = dataDir
      ? listFiles(dataDir).map((p) => [p, readFileSync(p).toString('latin1')])
      : [];
    // Positive controls: each scan does see what the run wrote in the clear.
    if (dataDir) expect(fileTexts.some(([, text]) => text.includes('Leak check'))).toBe(true);

    const logText = logs.join('');
    expect(logText).toContain(created.body.id);
    const answers = responses.join('\n');
    for (const s of spellings()) {
      expect(dbText.includes(s), `database holds ${s.slice(0, 12)}…`).toBe(false);
      expect(logText.includes(s), `logs hold ${s.slice(0, 12)}…`).toBe(false);
      expect(answers.includes(s), `an API answer holds ${s.slice(0, 12)}…`).toBe(false);
      for (const [path, text] of fileTexts) expect(text.includes(s), `${path} holds a secret`).toBe(false);
    }
  });
});
