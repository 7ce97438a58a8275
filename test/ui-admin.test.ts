import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { openTestStore } from '../src/db/test-support/stores.js';
import { createApiKey, createEnvironment } from '../src/environments/index.js';
import { orderServices } from '../src/orders/order.deps.js';
import { processPendingQuotes } from '../src/orders/order.service.js';
import { createSimulator } from '../src/simulator/index.js';
import { processWebhookDeliveries } from '../src/webhooks/webhook.service.js';
import { verifyWebhookSignature } from '../src/webhooks/webhook.signature.js';
import { webhookEventTypes } from '../web/src/api.js';
import { resources } from '../web/src/resources.js';
import { FAR_FUTURE_MS, waitFor } from './orders-support.js';

// The admin UI in real headless Chromium, against the real server (createApp on port 0) and the
// X3 simulator over real HTTP. One server, one simulator and one browser for the whole file:
// the scenarios run in order, as a person would (connect, map, see the order).

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
// Screenshots for the README are refreshed on demand (UPDATE_SCREENSHOTS=1); otherwise they go
// to a temporary folder so a test run leaves the work tree as it was.
const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the UI when web/dist is missing or older than its sources (`npm run build` does it too). */
async function ensureUiBuilt(): Promise<void> {
  const index = join(DIST, 'index.html');
  const sources = Math.max(newestMtime(join(WEB, 'src')), statSync(join(WEB, 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  // A separate process: inside vitest NODE_ENV is `test`, which would bundle React's development build.
  await execFileAsync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(WEB, 'vite.config.ts'),
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' } },
  );
}

/** The platform's webhook endpoint: keeps what it gets, answers from a script, then 200. */
async function startConsumer() {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks/x3bridge`,
    received,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function isoDateInDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('admin UI in a browser', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let sim: { url: string; close(): Promise<void> };
  let consumer: Awaited<ReturnType<typeof startConsumer>>;
  let app: App;
  let url: string;
  let apiKey: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let shotDir: string;
  let connectionId: string;
  const pageErrors: string[] = [];

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };

  const shot = async (name: string, p: Page = page) => {
    await p.screenshot({ path: join(shotDir, `${name}.png`), fullPage: true, animations: 'disabled' });
  };

  beforeAll(async () => {
    await ensureUiBuilt();
    shotDir = UPDATE_SCREENSHOTS
      ? join(ROOT, 'docs', 'screenshots')
      : await mkdtemp(join(tmpdir(), 'x3bridge-ui-'));
    mkdirSync(shotDir, { recursive: true });

    sim = await createSimulator({ port: 0 });
    consumer = await startConsumer();
    store = await openTestStore('pglite');
    // The simulator listens on loopback, which the egress guard refuses unless allowed.
    const config = { ...store.config, port: 0, host: '127.0.0.1', allowPrivateHosts: ['127.0.0.1'] };
    app = await createApp(config, { store, webRoot: DIST });
    url = await app.start();
    const env = await createEnvironment(store.db, 'ui-test');
    ({ key: apiKey } = await createApiKey(store.db, env.id, 'ui'));

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await store?.dispose();
    await sim?.close();
    await consumer?.close();
    if (!UPDATE_SCREENSHOTS && shotDir) await rm(shotDir, { recursive: true, force: true });
  });

  it('asks only for query parameters and body fields the API documents', async () => {
    type Operation = {
      parameters?: { name: string; in: string }[];
      requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
    };
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const queryOf = (path: string, method = 'get') =>
      (doc.paths[path]?.[method]?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    // What the screens send (web/src/api.ts and the pages), path by path.
    const sent: [string, string, string[]][] = [
      ['/v1/connections', 'get', ['limit', 'cursor']],
      ['/v1/connections/{id}/mappings/products', 'get', ['limit', 'cursor']],
      ['/v1/connections/{id}/mappings/customers', 'get', ['limit', 'cursor']],
      ['/v1/connections/{id}/mappings/products', 'put', ['mode']],
      ['/v1/connections/{id}/quotes', 'get', ['limit', 'cursor', 'status']],
      ['/v1/webhooks', 'get', ['limit', 'cursor']],
      ['/v1/webhooks/{id}/deliveries', 'get', ['limit', 'cursor', 'state']],
      ['/v1/connections/{id}/deliveries', 'get', ['salesOrder']],
      ...resources.map((r): [string, string, string[]] => [
        `/v1/connections/{id}/${r.id}`,
        'get',
        ['limit', 'cursor', ...r.filters.map((f) => f.name)],
      ]),
    ];
    for (const [path, method, names] of sent) {
      expect(queryOf(path, method), `${method} ${path}`).toEqual(expect.arrayContaining(names));
    }
    const webhookBody = Object.keys(
      doc.paths['/v1/webhooks']?.post?.requestBody?.content['application/json']?.schema.properties ?? {},
    );
    expect(webhookBody).toEqual(expect.arrayContaining(['url', 'events', 'description']));
    const eventsSchema = JSON.stringify(
      doc.paths['/v1/webhooks']?.post?.requestBody?.content['application/json']?.schema.properties?.events,
    );
    for (const t of webhookEventTypes) expect(eventsSchema).toContain(t);
  });

  it('refuses a wrong API key and accepts the right one', async () => {
    await page.goto(url);
    await page.getByLabel('API key', { exact: true }).fill('x3b_live_not-a-real-key');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('unauthorized');
    await shot('api-key');

    await page.getByLabel('API key', { exact: true }).fill(apiKey);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('No connection yet').waitFor();
  });

  it('signs in from a #key= link and takes the key out of the address bar', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    try {
      const tab = await other.newPage();
      await tab.goto(`${url}/#key=${encodeURIComponent(apiKey)}`);
      await tab.getByRole('heading', { name: 'Connections' }).waitFor();
      expect(new URL(tab.url()).hash).toBe('#/connections');
    } finally {
      await other.close();
    }
  });

  it('runs the wizard: a wrong secret shows the failing step and its fix, the right one saves', async () => {
    await page.getByRole('link', { name: 'New connection' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('Aldgate Packaging Solutions');
    await page.getByLabel(/External id/).fill('aldgate');
    await page.getByLabel('Host URL', { exact: true }).fill(sim.url);
    await page.getByLabel('Folder', { exact: true }).fill('ALDGATE');
    await page.getByLabel('Client ID', { exact: true }).fill('aldgate-integration');
    await page.getByLabel('Client secret', { exact: true }).fill('not-the-secret');
    await page.getByRole('button', { name: 'Test connection' }).click();

    const token = page.locator('[data-step="token"]');
    await page.locator('[data-step="token"][data-state="failed"]').waitFor();
    expect(await token.locator('.error-code').textContent()).toBe('x3_auth_failed');
    const fix = (await token.locator('.fix').textContent()) ?? '';
    expect(fix.toLowerCase()).toMatch(/secret/);
    expect(await page.locator('[data-step="test_read"]').getAttribute('data-state')).toBe('skipped');
    await shot('wizard-failed');

    // Basic authentication, the legacy on-premises mode, through the same checks.
    await page.getByRole('radio', { name: 'Basic' }).check();
    await page.getByLabel('User', { exact: true }).fill('WEBSVC');
    await page.getByLabel('Password', { exact: true }).fill('websvc');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('[data-step="test_read"][data-state="ok"]').waitFor();
    await page.getByRole('radio', { name: 'OAuth2 client' }).check();

    await page.getByLabel('Client secret', { exact: true }).fill('aldgate-demo-secret');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.locator('[data-step="test_read"][data-state="ok"]').waitFor();
    expect(await token.getAttribute('data-state')).toBe('ok');
    expect(await token.locator('.step-meta').textContent()).toMatch(/^\d+ ms$/);
    await shot('wizard-ok');

    // The CA certificate sits under Advanced; what is not a PEM certificate is refused with why.
    const wizardForm = page.getByRole('form', { name: 'Connection settings' });
    await wizardForm.getByText('Advanced').click();
    const ca = wizardForm.getByLabel(/CA certificate \(PEM\)/);
    await ca.fill('not a certificate');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('listitem').filter({ hasText: 'settings.tls.ca: not a PEM certificate' }).waitFor();
    // Emptied, it is not sent at all: the plain http simulator needs no CA.
    await ca.fill('');
    await wizardForm.getByText('Advanced').click();

    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.locator('.connection').first().waitFor();
    expect(await page.locator('.connection .badge').first().textContent()).toBe('active');

    const list = await api('GET', '/v1/connections');
    const data = list.body?.data as { id: string; name: string }[];
    expect(data.map((c) => c.name)).toEqual(['Aldgate Packaging Solutions']);
    connectionId = data[0]!.id;

    await page.getByRole('button', { name: 'Re-check Aldgate Packaging Solutions' }).click();
    await page.locator('.connection [data-step="test_read"][data-state="ok"]').waitFor();
    await shot('connections');
  });

  it('edits the connection: rename, then new credentials, a wrong secret first and the right one', async () => {
    await page.getByRole('link', { name: 'Edit Aldgate Packaging Solutions' }).click();
    await page.getByRole('heading', { name: 'Edit connection' }).waitFor();

    const details = page.getByRole('form', { name: 'Name and reference' });
    await details.getByLabel('Name', { exact: true }).fill('Aldgate Packaging');
    await details.getByLabel(/External id/).fill('aldgate-uk');
    await details.getByRole('button', { name: 'Save name and reference' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    const renamed = await api('GET', `/v1/connections/${connectionId}`);
    expect(renamed.body).toMatchObject({ name: 'Aldgate Packaging', externalId: 'aldgate-uk' });

    const creds = page.getByRole('form', { name: 'Credentials' });
    await creds.getByLabel('Client ID', { exact: true }).fill('aldgate-integration');
    await creds.getByLabel('Client secret', { exact: true }).fill('not-the-secret');
    await creds.getByRole('button', { name: 'Check and save credentials' }).click();
    const section = page.locator('section[aria-labelledby="edit-credentials"]');
    const token = section.locator('[data-step="token"]');
    await section.locator('[data-step="token"][data-state="failed"]').waitFor();
    expect(await token.locator('.error-code').textContent()).toBe('x3_auth_failed');
    expect(((await token.locator('.fix').textContent()) ?? '').toLowerCase()).toMatch(/secret/);
    expect(await section.locator('[data-step="test_read"]').getAttribute('data-state')).toBe('skipped');
    await shot('connection-edit');
    // The refused secret was not stored: the connection still reads X3 with the old one.
    expect((await api('GET', `/v1/connections/${connectionId}/customers?limit=1`)).status).toBe(200);

    await creds.getByLabel('Client secret', { exact: true }).fill('aldgate-demo-secret');
    await creds.getByRole('button', { name: 'Check and save credentials' }).click();
    await section.locator('[data-step="test_read"][data-state="ok"]').waitFor();
    await section.getByText(/New credentials checked and saved/).waitFor();
    expect(await creds.getByLabel('Client secret', { exact: true }).inputValue()).toBe('');
    expect((await api('GET', `/v1/connections/${connectionId}`)).body?.status).toBe('active');
  });

  it('changes the folder only after X3 answers for it', async (ctx) => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >;
    };
    const patchBody = JSON.stringify(
      doc.paths['/v1/connections/{id}']?.patch?.requestBody?.content['application/json']?.schema ?? {},
    );
    // The server takes host and folder changes from the version that lists them in its contract.
    if (!patchBody.includes('"folder"')) ctx.skip();

    const server = page.getByRole('form', { name: 'X3 server and folder' });
    const section = page.locator('section[aria-labelledby="edit-server"]');
    await server.getByLabel('Folder', { exact: true }).fill('NOSUCHFOLDER');
    await server.getByRole('button', { name: 'Check and save server' }).click();
    await section.locator('[data-step="test_read"][data-state="failed"]').waitFor();
    expect(await section.locator('[data-step="test_read"] .error-code').textContent()).toBe(
      'x3_folder_not_found',
    );
    expect(await section.locator('[data-step="test_read"] .fix').textContent()).toMatch(/folder/i);
    await shot('connection-edit-folder');
    expect((await api('GET', `/v1/connections/${connectionId}`)).body?.folder).toBe('ALDGATE');

    await server.getByLabel('Folder', { exact: true }).fill('aldtest');
    await server.getByRole('button', { name: 'Check and save server' }).click();
    await section.getByText(/Checked and saved/).waitFor();
    expect((await api('GET', `/v1/connections/${connectionId}`)).body?.folder).toBe('ALDTEST');
    await server.getByLabel('Folder', { exact: true }).fill('ALDGATE');
    await server.getByRole('button', { name: 'Check and save server' }).click();
    await section.locator('[data-step="test_read"][data-state="ok"]').waitFor();
    await section.getByText(/Checked and saved/).waitFor();
    expect((await api('GET', `/v1/connections/${connectionId}`)).body?.folder).toBe('ALDGATE');
  });

  it('maps a product code by accepting a suggestion', async () => {
    await page.getByRole('link', { name: 'Connections' }).first().click();
    await page.getByRole('link', { name: 'Mappings' }).first().click();
    await page.getByText('No product codes yet').waitFor();
    await page.getByLabel('Add a product code', { exact: true }).fill('box-s-200');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    // The platform's product list, as its admin would export it from a spreadsheet.
    await page.getByLabel('CSV file to import').setInputFiles({
      name: 'products.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'productCode;name\r\nBOX-M-400;Medium shipping box\r\nTAPE48CLR;Clear packing tape 48mm\r\nGIFTWRAP-RED;Red gift wrap\r\n',
      ),
    });
    await page.getByText('Imported 3 rows from products.csv (3 new)').waitFor();
    await page.getByLabel('Search', { exact: true }).fill('');
    expect(await page.getByTestId('unmapped-count').textContent()).toBe('4');

    await page.getByRole('button', { name: 'Suggest matches' }).click();
    const accept = page.getByRole('button', { name: 'Accept BOX-S-200 for box-s-200' });
    await accept.waitFor();
    await accept.click();
    expect(await page.getByLabel('X3 item reference for box-s-200').inputValue()).toBe('BOX-S-200');
    expect(await page.getByTestId('unmapped-count').textContent()).toBe('3');
    await shot('mappings');

    await page.getByRole('button', { name: /^Save 1 change$/ }).click();
    await page.getByText('Saved 1 change; 1 mapping in all.').waitFor();
    const saved = await api('GET', `/v1/connections/${connectionId}/mappings/products`);
    expect(
      (saved.body?.data as { productCode: string; itemRef: string }[]).map((m) => [m.productCode, m.itemRef]),
    ).toEqual([['box-s-200', 'BOX-S-200']]);

    // Accept every suggestion scoring at least the threshold in one go.
    await page.getByLabel(/Minimum score/).fill('95');
    await page.getByRole('button', { name: 'Accept 1 above 95' }).click();
    expect(await page.getByLabel('X3 item reference for BOX-M-400').inputValue()).toBe('BOX-M-400');
    await page.getByRole('button', { name: /^Save 1 change$/ }).click();
    // Only the changed row is sent (merge): the first mapping must still be there.
    await page.getByText('Saved 1 change; 2 mappings in all.').waitFor();
    const after = await api('GET', `/v1/connections/${connectionId}/mappings/products`);
    expect((after.body?.data as { itemRef: string }[]).map((m) => m.itemRef).sort()).toEqual([
      'BOX-M-400',
      'BOX-S-200',
    ]);
  });

  it('loads every page of mappings, not only the first', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => ({
      productCode: `P-BULK-${String(i).padStart(4, '0')}`,
      itemRef: 'BOX-S-200',
    }));
    const put = await api('PUT', `/v1/connections/${connectionId}/mappings/products?mode=merge`, rows);
    expect(put.status).toBe(200);
    // Another tab and back: the screen reads the saved mappings again, 500 at a time (the codes
    // imported but never mapped were only on screen).
    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await page.getByTestId('mapping-total').waitFor();
    await page.getByRole('link', { name: 'Products', exact: true }).click();
    await expect.poll(() => page.getByTestId('mapping-total').textContent()).toBe('1202');
    expect(await page.getByTestId('unmapped-count').textContent()).toBe('0');
    await page.getByLabel('Search', { exact: true }).fill('P-BULK-1199');
    await page.locator('[data-source="P-BULK-1199"]').waitFor();
    expect(await page.getByLabel('X3 item reference for P-BULK-1199').inputValue()).toBe('BOX-S-200');
    await page.getByLabel('Search', { exact: true }).fill('');
  });

  it('keeps thousands of mapping rows light: only the rows in view are in the page', async () => {
    const lines = ['productCode,itemRef,name'];
    for (let i = 0; i < 5000; i++) lines.push(`P-${String(i).padStart(5, '0')},,Product ${i}`);
    await page.getByLabel('CSV file to import').setInputFiles({
      name: 'many.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(lines.join('\n')),
    });
    await page.getByText('Imported 5000 rows from many.csv (5000 new)').waitFor();
    expect(await page.getByTestId('unmapped-count').textContent()).toBe('5000');
    expect(await page.getByTestId('mapping-total').textContent()).toBe('6202');
    const rendered = await page.locator('[role="listitem"]').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);

    const list = page.getByRole('list', { name: 'Product code mappings' });
    await list.evaluate((el: { scrollTop: number; scrollHeight: number }) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.locator('[data-source="P-BULK-1199"]').waitFor();
    await page.getByLabel('Search', { exact: true }).fill('P-04321');
    await page.locator('[data-source="P-04321"]').waitFor();
    expect(await page.locator('[role="listitem"]').count()).toBe(1);
    await page.getByLabel('Search', { exact: true }).fill('');
  });

  it('shows an accepted quote with its X3 order number, lines and deliveries', async () => {
    const customers = await api('PUT', `/v1/connections/${connectionId}/mappings/customers`, [
      { customerAccount: 'ACC-1001', customerCode: 'C0001' },
    ]);
    expect(customers.status).toBe(200);
    const accepted = await api('POST', `/v1/connections/${connectionId}/quotes/Q-UI-0001/accept`, {
      customerAccount: 'ACC-1001',
      requestedDeliveryDate: isoDateInDays(30),
      reference: 'Q-UI-0001',
      lines: [{ productCode: 'box-s-200', quantity: 500, unitPrice: 0.42 }],
    });
    expect(accepted.status).toBe(201);
    const orderNumber = accepted.body?.orderNumber as string;
    expect(orderNumber).toMatch(/^SO/);

    await page.getByRole('link', { name: 'Orders' }).first().click();
    const row = page.locator('tr[data-key="Q-UI-0001"]');
    await row.waitFor();
    expect(await row.locator('.order-number').textContent()).toBe(orderNumber);
    expect(await row.locator('.badge').textContent()).toBe('created');
    await shot('orders');

    await row.getByRole('button', { name: 'Open quote Q-UI-0001' }).click();
    await page.locator('table.data tr[data-key="1000"]').waitFor();
    expect(await page.locator('table.data tr[data-key="1000"]').textContent()).toContain('BOX-S-200');
    await page.getByText('Not shipped yet').waitFor();

    // The warehouse ships part of the order in X3; the detail shows the delivery after a refresh.
    const shipped = await fetch(`${sim.url}/__sim/folders/ALDGATE/deliveries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ salesOrder: orderNumber, lines: [{ lineNumber: 1000, quantity: 200 }] }),
    });
    expect(shipped.ok).toBe(true);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('.delivery').waitFor();
    expect(await page.locator('.delivery').textContent()).toContain('BOX-S-200 × 200');
    expect(
      await page.locator('table.data tr[data-key="1000"] td[data-label="To deliver"]').textContent(),
    ).toBe('300');
    await shot('order-detail');

    await page.getByRole('link', { name: 'Back to order log' }).click();
    await page.getByLabel('Status', { exact: true }).selectOption('failed');
    await page.getByText('No failed quote').waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.locator('tr[data-key="Q-UI-0001"]').waitFor();
  });

  it('browses X3 records with paging and a detail view', async () => {
    await page.getByRole('link', { name: 'Records' }).first().click();
    await page.locator('table.data tbody tr').first().waitFor();
    await page.getByLabel('Per page', { exact: true }).selectOption('25');
    const firstPage = await page.locator('table.data tbody tr').first().getAttribute('data-key');
    await page.getByRole('button', { name: `Open ${firstPage}` }).click();
    await page.locator('.detail').getByRole('heading', { name: 'Addresses', exact: true }).waitFor();
    await shot('records');

    await page.getByRole('link', { name: 'Items' }).click();
    await page.getByLabel('Search', { exact: true }).fill('BOX-S-200');
    await page.getByLabel('Site', { exact: true }).fill('ALD01');
    await page.getByRole('button', { name: 'Apply' }).click();
    // The unfiltered list can show BOX-S-200 (without stock) until the site's answer replaces it.
    await expect
      .poll(() => page.locator('tr[data-key="BOX-S-200"] td[data-label="Available"]').textContent())
      .toMatch(/^\d+$/);
    await page.getByRole('button', { name: 'Open BOX-S-200' }).click();
    await page.locator('.detail').getByRole('heading', { name: 'Stock', exact: true }).waitFor();
    await shot('records-item');

    // X3 refuses the web-service user the purchase orders: the screen says so, then recovers.
    const faults = (method: string, body?: unknown) =>
      fetch(`${sim.url}/__sim/faults`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect(
      (
        await faults('PUT', {
          rules: [{ match: { method: 'GET', class: 'PORDER' }, action: 'status', status: 403 }],
        })
      ).ok,
    ).toBe(true);
    await page.getByRole('link', { name: 'Purchase orders' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.locator('.error-code').textContent()).toBe('x3_permission_denied');
    await shot('records-error');
    expect((await faults('DELETE')).ok).toBe(true);
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.locator('table.data tbody tr').first().waitFor();
  });

  it('works on a narrow window', async () => {
    await page.setViewportSize({ width: 400, height: 860 });
    try {
      await page.goto(`${url}/#/c/${encodeURIComponent(connectionId)}/orders`);
      await page.locator('tr[data-key="Q-UI-0001"]').waitFor();
      const overflow = (await page.evaluate(
        'document.documentElement.scrollWidth - window.innerWidth',
      )) as number;
      expect(overflow).toBeLessThanOrEqual(0);
      await shot('orders-narrow');
      await page.goto(`${url}/#/c/${encodeURIComponent(connectionId)}/mappings/products`);
      await page.locator('[data-source="box-s-200"]').waitFor();
      await shot('mappings-narrow');
      for (const screen of [`#/c/${encodeURIComponent(connectionId)}/edit`, '#/webhooks']) {
        await page.goto(`${url}/${screen}`);
        await page.locator('main h1').waitFor();
        const wider = (await page.evaluate(
          'document.documentElement.scrollWidth - window.innerWidth',
        )) as number;
        expect(wider, screen).toBeLessThanOrEqual(0);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
    expect(pageErrors).toEqual([]);
  });

  it('adds a webhook, shows its secret once, and lists its deliveries with redelivery', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByText('No webhook yet').waitFor();
    await page.getByLabel('Endpoint URL', { exact: true }).fill(consumer.url);
    await page.getByLabel('Description', { exact: false }).fill('Platform order feed');
    await page.getByRole('checkbox', { name: /connection\.status_changed/ }).uncheck();
    await page.getByRole('button', { name: 'Add endpoint' }).click();

    const panel = page.locator('.secret-panel');
    await panel.waitFor();
    expect(await panel.textContent()).toContain("you won't see it again");
    expect(await panel.textContent()).toContain('X3bridge-Signature');
    const secret = await page.getByLabel('Signing secret', { exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    await panel.getByRole('button', { name: 'Copy secret' }).click();
    await panel.getByText('Copied.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await shot('webhook-secret');

    await panel.getByRole('button', { name: 'I have stored the secret' }).click();
    await panel.waitFor({ state: 'detached' });
    const listed = await api('GET', '/v1/webhooks');
    const hook = (listed.body?.data as { id: string; events: string[] }[])[0]!;
    expect(hook.events).toEqual(['order.created', 'order.failed']);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    await page.reload();
    await page.locator(`[data-webhook-id="${hook.id}"]`).waitFor();
    expect(await page.content()).not.toContain(secret);

    // The endpoint refuses the first delivery for good (410); the redelivery gets through.
    consumer.answers.push(410);
    const accepted = await api('POST', `/v1/connections/${connectionId}/quotes/Q-UI-0002/accept`, {
      customerAccount: 'ACC-1001',
      requestedDeliveryDate: isoDateInDays(30),
      reference: 'Q-UI-0002',
      lines: [{ productCode: 'box-s-200', quantity: 100, unitPrice: 0.42 }],
    });
    expect(accepted.status).toBe(201);
    const { webhooks } = orderServices(app.deps);
    const settled = async (n: number) => {
      await processWebhookDeliveries(webhooks);
      const list = await api('GET', `/v1/webhooks/${hook.id}/deliveries`);
      const data = list.body?.data as { state: string }[];
      return data.length >= n && data.every((d) => d.state === 'delivered' || d.state === 'dead');
    };
    await waitFor(() => settled(1), 'the first delivery to be answered');

    await page.getByRole('link', { name: `Deliveries to ${consumer.url}` }).click();
    const first = page.locator('table.data tbody tr').first();
    await first.waitFor();
    expect(await first.locator('td[data-label="Event"]').textContent()).toBe('order.created');
    expect(await first.locator('.badge').textContent()).toBe('dead');
    expect(await first.locator('td[data-label="Attempts"]').textContent()).toBe('1');
    expect(await first.locator('td[data-label="Last answer"]').textContent()).toBe('410');
    expect(await first.locator('td[data-label="Last error"]').textContent()).toContain('410');

    await first.getByRole('button', { name: /^Redeliver / }).click();
    await page.getByText(/Queued order.created again/).waitFor();
    await expect.poll(() => page.locator('table.data tbody tr').count()).toBe(2);
    await waitFor(() => settled(2), 'the redelivery to be answered');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('table.data tbody tr .badge', { hasText: 'delivered' }).waitFor();
    const delivered = page.locator('table.data tbody tr', {
      has: page.locator('.badge', { hasText: 'delivered' }),
    });
    expect(await delivered.locator('td[data-label="Last answer"]').textContent()).toBe('200');
    await shot('webhooks');

    // The secret the screen showed is the one deliveries are signed with.
    expect(consumer.received).toHaveLength(2);
    const last = consumer.received[1]!;
    expect(verifyWebhookSignature(secret, last.headers['x3bridge-signature'], last.body)).toMatchObject({
      ok: true,
    });
    expect(JSON.parse(last.body)).toMatchObject({
      type: 'order.created',
      data: { quoteId: 'Q-UI-0002', orderNumber: accepted.body?.orderNumber },
    });

    await page.getByRole('button', { name: `Delete ${consumer.url}` }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('No webhook yet').waitFor();
    expect((await api('GET', '/v1/webhooks')).body?.data).toEqual([]);
  });

  it('refuses to delete a connection while a quote waits for X3, naming the quote', async () => {
    const faults = (body: unknown) =>
      fetch(`${sim.url}/__sim/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(
      (
        await faults({
          rules: [{ match: { method: 'POST', class: 'SORDER' }, action: 'status', status: 503, times: 1 }],
        })
      ).ok,
    ).toBe(true);
    const pending = await api('POST', `/v1/connections/${connectionId}/quotes/Q-UI-WAIT/accept`, {
      customerAccount: 'ACC-1001',
      requestedDeliveryDate: isoDateInDays(30),
      reference: 'Q-UI-WAIT',
      lines: [{ productCode: 'box-s-200', quantity: 10, unitPrice: 0.42 }],
    });
    expect((await faults({ rules: [] })).ok).toBe(true);
    expect(pending.status).toBe(202);

    await page.goto(`${url}/#/c/${encodeURIComponent(connectionId)}/edit`);
    await page.getByRole('button', { name: 'Delete Aldgate Packaging' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const alert = page.locator('section[aria-labelledby="edit-delete"] [role="alert"]');
    await alert.waitFor();
    expect(await alert.locator('.error-code').textContent()).toBe('conflict');
    const link = alert.getByRole('link', { name: 'Q-UI-WAIT' });
    expect(await link.getAttribute('href')).toBe(`#/c/${encodeURIComponent(connectionId)}/orders/Q-UI-WAIT`);
    await shot('connection-delete-refused');
    expect((await api('GET', `/v1/connections/${connectionId}`)).status).toBe(200);

    // X3 is back: the retry creates the order, and the connection can go.
    const { orders } = orderServices(app.deps);
    await waitFor(async () => {
      await processPendingQuotes(orders, { now: new Date(Date.now() + FAR_FUTURE_MS) });
      return (
        (await api('GET', `/v1/connections/${connectionId}/quotes/Q-UI-WAIT`)).body?.status === 'created'
      );
    }, 'the pending quote to be created');
  });

  it('deletes a connection after a confirmation', async () => {
    await page.getByRole('link', { name: 'Connections' }).first().click();
    await page.getByRole('button', { name: 'Delete Aldgate Packaging' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('No connection yet').waitFor();
    expect((await api('GET', '/v1/connections')).body?.data).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
