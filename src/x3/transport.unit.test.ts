import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createX3Client } from './client.js';
import type { X3ClientOptions } from './options.js';
import { parseRetryAfter } from './transport.js';
import {
  X3AuthError,
  X3NotFoundError,
  X3OutcomeUncertainError,
  X3ProtocolError,
  X3RejectedError,
  X3UnavailableError,
  X3UnreachableError,
} from './errors.js';

// A scripted X3 over loopback: each test queues the answers it wants, in order.
type Step = (req: IncomingMessage, res: ServerResponse, body: string) => void;
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
let apiSteps: Step[] = [];
let tokenSteps: Step[] = [];
let seen: Seen[] = [];
let inFlight = 0;
let maxInFlight = 0;
let tokenCount = 0;

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Step =>
  (_q, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const reset: Step = (req) => req.socket.destroy();
const record = { BPCNUM: 'C0001', BPCNAM: ['Aldgate', ' '], CUR: 'GBP' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/oauth2/token') {
        tokenCount += 1;
        const step =
          tokenSteps.shift() ??
          json(200, { access_token: `tok${tokenCount}`, token_type: 'bearer', expires_in: 3600 });
        step(req, res, body);
        return;
      }
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on('close', () => (inFlight -= 1));
      const step = apiSteps.shift() ?? json(200, record);
      // Let concurrent requests overlap so the in-flight cap is observable.
      setImmediate(() => step(req, res, body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  apiSteps = [];
  tokenSteps = [];
  seen = [];
  tokenCount = 0;
  maxInFlight = 0;
});

function client(extra: Partial<X3ClientOptions> = {}) {
  return createX3Client({
    baseUrl: base,
    folder: 'ALDGATE',
    auth: {
      type: 'client_credentials',
      clientId: 'aldgate-integration',
      clientSecret: 'aldgate-demo-secret',
    },
    limits: { baseDelayMs: 1, maxDelayMs: 2, retryAfterCapMs: 5, ...extra.limits },
    ...extra,
  });
}

describe('transport over loopback', () => {
  it('sends the folder in path and header, the syracuse accept and a bearer token', async () => {
    const x3 = client();
    const customer = await x3.customers.get('C0001');
    expect(customer.name).toBe('Aldgate');
    expect(seen[0]!.url).toMatch(
      /^\/api1\/x3\/erp\/ALDGATE\/BPCUSTOMER\('C0001'\)\?representation=BPCUSTOMER\.%24details$/,
    );
    expect(seen[0]!.headers['x-sage-folder']).toBe('ALDGATE');
    expect(seen[0]!.headers.accept).toBe('application/json;vnd.sage=syracuse');
    expect(seen[0]!.headers.authorization).toBe('Bearer tok1');
    await x3.close();
  });

  it('retries reads on 429 (Retry-After), 503 transient and resets', async () => {
    const x3 = client();
    apiSteps = [
      json(429, {}, { 'retry-after': '1' }),
      json(503, { $diagnoses: [{ $severity: 'transient', $message: 'pool busy' }] }),
      reset,
    ];
    await expect(x3.customers.get('C0001')).resolves.toMatchObject({ code: 'C0001' });
    expect(seen).toHaveLength(4);
    await x3.close();
  });

  it('gives up on reads after the allowed retries with X3UnavailableError', async () => {
    const x3 = client({ limits: { retries: 2 } });
    apiSteps = [json(503, {}), json(503, {}), json(503, {})];
    await expect(x3.customers.get('C0001')).rejects.toBeInstanceOf(X3UnavailableError);
    expect(seen).toHaveLength(3);
    await x3.close();
  });

  it('never retries a write: reset and 502 are uncertain, 503 is a plain failure', async () => {
    const x3 = client();
    const order = {
      salesSite: 'ALD01',
      customerCode: 'C0001',
      customerOrderReference: 'Q-1',
      lines: [{ itemRef: 'BOX-S-200', quantity: 5 }],
    };
    apiSteps = [reset];
    await expect(x3.salesOrders.create(order)).rejects.toBeInstanceOf(X3OutcomeUncertainError);
    apiSteps = [json(502, {})];
    await expect(x3.salesOrders.create(order)).rejects.toBeInstanceOf(X3OutcomeUncertainError);
    apiSteps = [json(503, { $diagnoses: [{ $severity: 'transient', $message: 'pool' }] })];
    const busy = await x3.salesOrders.create(order).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(X3UnavailableError);
    expect(busy).not.toBeInstanceOf(X3OutcomeUncertainError);
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(3);
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toMatchObject({
      SALFCY: 'ALD01',
      SOHTYP: 'SON',
      CUSORDREF: 'Q-1',
      SOHSOP: [{ ITMREF: 'BOX-S-200', QTY: 5 }],
    });
    await x3.close();
  });

  it('on 401 re-mints once and replays once, never loops', async () => {
    const x3 = client();
    apiSteps = [json(401, {})];
    await expect(x3.customers.get('C0001')).resolves.toMatchObject({ code: 'C0001' });
    expect(tokenCount).toBe(2);
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer tok1', 'Bearer tok2']);
    apiSteps = [json(401, {}), json(401, {})];
    await expect(x3.customers.get('C0001')).rejects.toBeInstanceOf(X3AuthError);
    expect(seen).toHaveLength(4);
    expect(tokenCount).toBe(3);
    await x3.close();
  });

  it('maps a refused client to X3AuthError, fails fast during the cooldown, never leaks the secret', async () => {
    const x3 = client();
    tokenSteps = [
      json(401, { error: 'invalid_client', error_description: 'bad secret aldgate-demo-secret' }),
    ];
    const error = await x3.customers.get('C0001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3AuthError);
    expect((error as X3AuthError).oauthError).toBe('invalid_client');
    expect((error as Error).message).not.toContain('aldgate-demo-secret');
    expect((error as Error).message).toContain('[redacted]');
    await expect(x3.customers.get('C0001')).rejects.toBeInstanceOf(X3AuthError);
    expect(tokenCount).toBe(1);
    expect(seen).toHaveLength(0);
    await x3.close();
  });

  it('reads 200 + 721 as not found and 201 + error diagnosis as rejected', async () => {
    const x3 = client();
    apiSteps = [json(200, { $diagnoses: [{ $severity: 'error', $message: '721 : Record does not exist' }] })];
    await expect(x3.customers.get('NOPE')).rejects.toBeInstanceOf(X3NotFoundError);
    apiSteps = [json(201, { $diagnoses: [{ $severity: 'error', $message: 'Customer blocked' }] })];
    const rejected = await x3.customers
      .create({ code: 'C9', name: 'N', currency: 'GBP' })
      .catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(X3RejectedError);
    expect((rejected as X3RejectedError).diagnoses[0]!.message).toBe('Customer blocked');
    await x3.close();
  });

  it('follows $next verbatim, tolerates short pages, refuses loops and other origins', async () => {
    const x3 = client();
    const page = (ids: string[], next?: string) =>
      json(200, {
        $itemsPerPage: ids.length,
        $resources: ids.map((id) => ({ BPCNUM: id })),
        ...(next ? { $links: { $next: { $url: next } } } : {}),
      });
    apiSteps = [
      page(['A', 'B'], `${base}/api1/x3/erp/ALDGATE/BPCUSTOMER?representation=BPCUSTOMER.$query&key=gt.B`),
      page(['C']),
    ];
    const codes: string[] = [];
    for await (const c of x3.customers.list({ pageSize: 1000 })) codes.push(c.code);
    expect(codes).toEqual(['A', 'B', 'C']);
    expect(seen[1]!.url).toBe('/api1/x3/erp/ALDGATE/BPCUSTOMER?representation=BPCUSTOMER.$query&key=gt.B');

    const loop = `${base}/api1/x3/erp/ALDGATE/BPCUSTOMER?key=gt.A`;
    apiSteps = [page(['A'], loop), page(['B'], loop)];
    await expect(async () => {
      for await (const _ of x3.customers.list()) void _;
    }).rejects.toBeInstanceOf(X3ProtocolError);

    apiSteps = [page(['A'], 'http://127.0.0.2:9/api1/x3/erp/ALDGATE/BPCUSTOMER?key=gt.A')];
    await expect(async () => {
      for await (const _ of x3.customers.list()) void _;
    }).rejects.toBeInstanceOf(X3ProtocolError);
    await x3.close();
  });

  it('gives an opaque cursor that reproduces the next page', async () => {
    const x3 = client();
    apiSteps = [
      json(200, {
        $resources: [{ BPCNUM: 'A' }],
        $links: {
          $next: {
            $url: `${base}/api1/x3/erp/ALDGATE/BPCUSTOMER?representation=BPCUSTOMER.$query&count=1&key=gt.A`,
          },
        },
      }),
      json(200, { $resources: [{ BPCNUM: 'B' }] }),
    ];
    const first = await x3.page('customers', { count: 1, filters: { search: 'a' } });
    expect(first.data.map((c) => c.code)).toEqual(['A']);
    expect(first.nextCursor).not.toContain('127.0.0.1');
    const second = await x3.page('customers', {
      count: 1,
      filters: { search: 'a' },
      cursor: first.nextCursor!,
    });
    expect(second).toMatchObject({ nextCursor: null });
    const url = new URL(seen[1]!.url, base);
    expect(url.searchParams.get('key')).toBe('gt.A');
    expect(url.searchParams.get('where')).toBe("upper(BPCNUM) like '%A%' or upper(BPCNAM) like '%A%'");
    await x3.close();
  });

  it('caps requests in flight per connection and queues the rest', async () => {
    const x3 = client({ limits: { maxConcurrent: 3 } });
    await Promise.all(Array.from({ length: 30 }, () => x3.customers.get('C0001')));
    expect(seen).toHaveLength(30);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(tokenCount).toBe(1);
    await x3.close();
  });

  it('reports a closed port as unreachable, with the reason', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const x3 = createX3Client({
      baseUrl: `http://127.0.0.1:${port}`,
      folder: 'ALDGATE',
      auth: { type: 'basic', user: 'WEBSVC', password: 'websvc' },
    });
    const error = await x3.customers.get('C0001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3UnreachableError);
    expect(error).toMatchObject({ reason: 'refused', code: 'x3_unreachable' });
    await x3.close();
  });

  it('retries the token endpoint on 503 and reads a lower-case bearer without expires_in as 300 s', async () => {
    let now = 1_000_000;
    const x3 = client({ clock: { now: () => now } });
    tokenSteps = [json(503, {}), json(200, { access_token: 'short', token_type: 'bearer' })];
    await x3.customers.get('C0001');
    expect(tokenCount).toBe(2);
    now += 269_000;
    await x3.customers.get('C0001');
    expect(tokenCount).toBe(2);
    now += 1_000;
    await x3.customers.get('C0001');
    expect(tokenCount).toBe(3);
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer short', 'Bearer short', 'Bearer tok3']);
    await x3.close();
  });

  it('opens the circuit after consecutive failures and then fails fast without calling X3', async () => {
    const x3 = client({ limits: { retries: 0, breakerThreshold: 2, breakerHalfOpenMs: 60_000 } });
    apiSteps = [json(503, {}), json(503, {})];
    await expect(x3.customers.get('C0001')).rejects.toBeInstanceOf(X3UnavailableError);
    await expect(x3.customers.get('C0001')).rejects.toBeInstanceOf(X3UnavailableError);
    const paused = await x3.customers.get('C0001').catch((e: unknown) => e);
    expect((paused as Error).message).toMatch(/paused/);
    expect(seen).toHaveLength(2);
    await x3.close();
  });

  it('reports each exchange to the hooks, without credentials', async () => {
    const events: unknown[] = [];
    const x3 = client({ hooks: { onRequest: (e) => events.push(e), onResponse: (e) => events.push(e) } });
    await x3.customers.get('C0001');
    expect(events).toHaveLength(4);
    expect(events[3]).toMatchObject({ method: 'GET', kind: 'api', status: 200 });
    expect(JSON.stringify(events)).not.toMatch(/aldgate-demo-secret|tok1|Basic|Bearer/);
    await x3.close();
  });

  it('validates options up front', () => {
    expect(() =>
      createX3Client({
        baseUrl: 'ftp://x',
        folder: 'ALDGATE',
        auth: { type: 'basic', user: 'a', password: 'b' },
      }),
    ).toThrow(/baseUrl/);
    expect(() =>
      createX3Client({ baseUrl: base, folder: 'aldgate', auth: { type: 'basic', user: 'a', password: 'b' } }),
    ).toThrow(/folder/);
  });
});

describe('sales order create', () => {
  it('reports an unknown outcome, never a guess, when X3 names no order number', async () => {
    const x3 = client();
    // 201 with neither an order number nor a Location; an unrelated order carries the reference.
    apiSteps = [
      json(201, {}),
      json(200, { $itemsPerPage: 20, $resources: [{ SOHNUM: 'SOALD010000001', CUSORDREF: 'PO-1' }] }),
    ];
    await expect(
      x3.salesOrders.create({
        salesSite: 'ALD01',
        customerCode: 'C0001',
        customerOrderReference: 'PO-1',
        lines: [{ itemRef: 'BOX-S-200', quantity: 5 }],
      }),
    ).rejects.toBeInstanceOf(X3OutcomeUncertainError);
    expect(seen.map((r) => r.method)).toEqual(['POST']);
    await x3.close();
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
