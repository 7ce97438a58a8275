import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../src/db/test-support/stores.js';
import { createEgressGuard } from '../src/egress/index.js';
import { orderServices } from '../src/orders/order.deps.js';
import { createVaultFromKeys, parseKeyRing, rotateSealedColumn } from '../src/secrets/index.js';
import { WEBHOOK_SECRETS } from '../src/webhooks/webhook.repository.js';
import { createWebhook, emitEvent, processWebhookDeliveries } from '../src/webhooks/webhook.service.js';
import { verifyWebhookSignature } from '../src/webhooks/webhook.signature.js';
import { startApiFixture, type ApiFixture } from './api-support.js';
import { connectAndMap, quoteBody, setFaults, waitFor } from './orders-support.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * The platform's side: an endpoint that keeps every delivery it got and answers from a script
 * (per path), 200 once the script runs out.
 */
async function startConsumer() {
  const received: Received[] = [];
  const scripts = new Map<
    string,
    Array<{ status: number; headers?: Record<string, string>; delayMs?: number }>
  >();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = scripts.get(path)?.shift() ?? { status: 200 };
      const answer = () => res.writeHead(next.status, next.headers ?? {}).end();
      if (next.delayMs) setTimeout(answer, next.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    port,
    received: (path: string) => received.filter((r) => r.path === path),
    script: (
      path: string,
      answers: Array<{ status: number; headers?: Record<string, string>; delayMs?: number }>,
    ) => scripts.set(path, [...answers]),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const HOUR = 3_600_000;

describe.each(testBackends)('webhook deliveries on %s', (kind) => {
  let f: ApiFixture;
  let consumer: Awaited<ReturnType<typeof startConsumer>>;
  let conn: string;
  let run = 0;

  beforeAll(async () => {
    f = await startApiFixture(kind);
    consumer = await startConsumer();
    conn = await connectAndMap(f);
  });
  afterAll(async () => {
    await f?.close();
    await consumer?.close();
  });

  const services = () => orderServices(f.app.deps).webhooks;

  /** Registers an endpoint on its own path, so each test sees only its own deliveries. */
  async function register(events: string[] = ['order.created', 'order.failed']) {
    const path = `/hook/${kind}-${++run}`;
    const res = await f.call('POST', '/v1/webhooks', { url: consumer.url(path), events });
    expect(res.status, res.text).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_/);
    return { id: res.body.id as string, secret: res.body.secret as string, path };
  }

  /** Runs delivery passes at `now` until the endpoint has `count` deliveries (a worker may take some). */
  async function deliverUntil(path: string, count: number, now = new Date()) {
    await waitFor(async () => {
      await processWebhookDeliveries(services(), { now });
      return consumer.received(path).length >= count;
    }, `${count} deliveries to ${path}`);
  }

  async function deliveries(webhookId: string) {
    const res = await f.call('GET', `/v1/webhooks/${webhookId}/deliveries`);
    expect(res.status, res.text).toBe(200);
    return res.body.data as Array<Record<string, unknown>>;
  }

  async function environmentOf(webhookId: string): Promise<string> {
    const r = await f.store.executeSql('select environment_id from webhooks where id = $1', [webhookId]);
    return r.rows[0].environment_id as string;
  }

  it('signs order.created after an accepted quote; a consumer refuses a tampered body or an old timestamp', async () => {
    const hook = await register();
    const quoteId = `wh-${kind.slice(0, 2)}-ok-${run}`;
    const accepted = await f.call('POST', `/v1/connections/${conn}/quotes/${quoteId}/accept`, quoteBody());
    expect(accepted.status, accepted.text).toBe(201);
    await deliverUntil(hook.path, 1);

    const [got] = consumer.received(hook.path);
    const header = got!.headers['x3bridge-signature'];
    expect(verifyWebhookSignature(hook.secret, header, got!.body)).toEqual({
      ok: true,
      timestamp: expect.any(Number),
    });
    const envelope = JSON.parse(got!.body);
    expect(envelope).toMatchObject({
      type: 'order.created',
      data: { quoteId, status: 'created', orderNumber: accepted.body.orderNumber },
    });
    expect(got!.headers['x3bridge-event-type']).toBe('order.created');

    const tampered = got!.body.replace(accepted.body.orderNumber, 'SOALD019999999');
    expect(verifyWebhookSignature(hook.secret, header, tampered)).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
    const signedAt = verifyWebhookSignature(hook.secret, header, got!.body);
    const later = (signedAt.ok ? signedAt.timestamp : 0) + 301;
    expect(verifyWebhookSignature(hook.secret, header, got!.body, { nowSeconds: later })).toEqual({
      ok: false,
      reason: 'timestamp_outside_tolerance',
    });
    expect(verifyWebhookSignature('whsec_wrong', header, got!.body)).toMatchObject({ ok: false });

    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200 });
    const listed = await f.call('GET', '/v1/webhooks');
    expect(listed.text).not.toContain(hook.secret);
    expect(f.responses.filter((t) => t.includes(hook.secret))).toHaveLength(1);
    expect((await f.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
  });

  it('sends order.failed when X3 rejects the order', async () => {
    const hook = await register(['order.failed']);
    const quoteId = `wh-${kind.slice(0, 2)}-rej-${run}`;
    await setFaults(f, [
      { match: { method: 'POST', class: 'SORDER' }, action: 'status', status: 400, times: 1 },
    ]);
    const refused = await f.call('POST', `/v1/connections/${conn}/quotes/${quoteId}/accept`, quoteBody());
    await setFaults(f, []);
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.error.code).toBe('x3_rejected');
    await deliverUntil(hook.path, 1);
    const [got] = consumer.received(hook.path);
    expect(verifyWebhookSignature(hook.secret, got!.headers['x3bridge-signature'], got!.body).ok).toBe(true);
    expect(JSON.parse(got!.body)).toMatchObject({
      type: 'order.failed',
      data: { quoteId, status: 'failed', orderNumber: null, lastError: { code: 'x3_rejected' } },
    });
    expect((await f.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
  });

  it('retries after 429 with Retry-After and after 500, with the same event and signature scheme', async () => {
    const hook = await register();
    consumer.script(hook.path, [{ status: 429, headers: { 'retry-after': '120' } }, { status: 500 }]);
    // Dated ahead, so that the app's own sweep (real clock) never sends it before this test does.
    const t0 = new Date(Date.now() + HOUR);
    const { eventId } = await emitEvent(f.store.db, {
      environmentId: await environmentOf(hook.id),
      type: 'order.created',
      data: { quoteId: 'Q-RETRY' },
      now: t0,
    });
    await deliverUntil(hook.path, 1, t0);
    let [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 429 });
    // Retry-After outweighs the shorter first backoff.
    expect(Date.parse(d!.nextAttemptAt as string)).toBeGreaterThanOrEqual(t0.getTime() + 120_000);

    // Not due yet a minute later: nothing is sent.
    await processWebhookDeliveries(services(), { now: new Date(t0.getTime() + 60_000) });
    expect(consumer.received(hook.path)).toHaveLength(1);

    const t1 = new Date(t0.getTime() + 121_000);
    await deliverUntil(hook.path, 2, t1);
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ state: 'pending', attempts: 2, lastStatus: 500 });
    await deliverUntil(hook.path, 3, new Date(t1.getTime() + HOUR));
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 200, nextAttemptAt: null });

    const got = consumer.received(hook.path);
    expect(new Set(got.map((g) => g.headers['x3bridge-event-id']))).toEqual(new Set([eventId]));
    expect(new Set(got.map((g) => g.body)).size).toBe(1);
    for (const g of got) {
      expect(verifyWebhookSignature(hook.secret, g.headers['x3bridge-signature'], g.body).ok).toBe(true);
    }
    expect((await f.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
  });

  it('gives up after the attempt limit, and the redeliver route sends the event again', async () => {
    const hook = await register();
    const limit = services().deliveryPolicy?.maxAttempts ?? 10;
    consumer.script(
      hook.path,
      Array.from({ length: limit }, () => ({ status: 503 })),
    );
    const { eventId } = await emitEvent(f.store.db, {
      environmentId: await environmentOf(hook.id),
      type: 'order.created',
      data: { quoteId: 'Q-DEAD' },
      now: new Date(Date.now() + HOUR),
    });
    // Each round's clock is past the longest backoff of the one before.
    for (let i = 1; i <= limit; i++) await deliverUntil(hook.path, i, new Date(Date.now() + i * 7 * HOUR));
    const [dead] = await deliveries(hook.id);
    expect(dead).toMatchObject({ state: 'dead', attempts: limit, lastStatus: 503, nextAttemptAt: null });
    await processWebhookDeliveries(services(), { now: new Date(Date.now() + 100 * HOUR) });
    expect(consumer.received(hook.path)).toHaveLength(limit);
    const deadOnly = await f.call('GET', `/v1/webhooks/${hook.id}/deliveries?state=dead`);
    expect(deadOnly.body.data.map((x: { id: string }) => x.id)).toEqual([dead!.id]);

    const again = await f.call('POST', `/v1/webhooks/${hook.id}/deliveries/${dead!.id as string}/redeliver`);
    expect(again.status, again.text).toBe(202);
    expect(again.body).toMatchObject({ state: 'pending', eventId, attempts: 0 });
    expect(again.body.id).not.toBe(dead!.id);
    await deliverUntil(hook.path, limit + 1);
    const last = consumer.received(hook.path)[limit]!;
    expect(last.headers['x3bridge-event-id']).toBe(eventId);
    expect(last.headers['x3bridge-delivery-id']).toBe(again.body.id);
    const states = Object.fromEntries((await deliveries(hook.id)).map((x) => [x.id, x.state]));
    expect(states).toEqual({ [dead!.id as string]: 'dead', [again.body.id]: 'delivered' });

    const missing = await f.call('POST', `/v1/webhooks/${hook.id}/deliveries/dlv_nope/redeliver`);
    expect(missing.status).toBe(404);
    const foreign = await f.callB(
      'POST',
      `/v1/webhooks/${hook.id}/deliveries/${dead!.id as string}/redeliver`,
    );
    expect(foreign.status).toBe(404);
    expect((await f.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
  });

  it('sends side by side, so a slow endpoint holds up no other, and never claims a delivery twice while it is sent', async () => {
    const slow = await register();
    const fast = await register();
    consumer.script(slow.path, [{ status: 200, delayMs: 1500 }]);
    const t0 = new Date(Date.now() + 3 * HOUR);
    // One event, one delivery to each endpoint (both subscribe to it).
    await emitEvent(f.store.db, {
      environmentId: await environmentOf(slow.id),
      type: 'order.created',
      data: { quoteId: 'Q-SIDE' },
      now: t0,
    });
    const pass = processWebhookDeliveries(services(), { now: t0 });
    // The fast endpoint is served while the slow one still holds its request.
    await waitFor(() => consumer.received(fast.path).length === 1, 'the fast endpoint’s delivery');
    expect(consumer.received(slow.path)).toHaveLength(1);
    // Another pass past the old fixed lease finds nothing to claim.
    const again = await processWebhookDeliveries(services(), { now: new Date(t0.getTime() + 61_000) });
    expect(again.claimed).toBe(0);
    const tally = await pass;
    expect(tally).toMatchObject({ claimed: 2, delivered: 2 });
    expect(consumer.received(slow.path)).toHaveLength(1);
    for (const hook of [slow, fast])
      expect((await f.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
  });

  it('treats a 4xx answer as final', async () => {
    const hook = await register();
    consumer.script(hook.path, [{ status: 400 }]);
    await emitEvent(f.store.db, {
      environmentId: await environmentOf(hook.id),
      type: 'order.created',
      data: { quoteId: 'Q-FINAL' },
    });
    await deliverUntil(hook.path, 1);
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ state: 'dead', attempts: 1, lastStatus: 400 });
    expect((await f.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
  });

  it('stops delivering to an endpoint once it is deleted', async () => {
    const hook = await register();
    await emitEvent(f.store.db, {
      environmentId: await environmentOf(hook.id),
      type: 'order.created',
      data: { quoteId: 'Q-GONE' },
      now: new Date(Date.now() + HOUR),
    });
    expect((await f.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
    expect((await f.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(404);
    expect((await f.call('GET', `/v1/webhooks/${hook.id}/deliveries`)).status).toBe(404);
    await processWebhookDeliveries(services(), { now: new Date(Date.now() + 2 * HOUR) });
    expect(consumer.received(hook.path)).toHaveLength(0);
    const left = await f.store.executeSql(
      `select count(*)::int as n from webhook_deliveries where webhook_id = $1 and state in ('pending', 'sending')`,
      [hook.id],
    );
    expect(Number(left.rows[0].n)).toBe(0);
  });

  it('refuses private and loopback endpoints that are not allowlisted, at registration and at delivery', async () => {
    // The allowlist names 127.0.0.1 only; other loopback addresses stay refused.
    for (const url of [`http://127.0.0.2:${consumer.port}/hook`, `http://[::1]:${consumer.port}/hook`]) {
      const res = await f.call('POST', '/v1/webhooks', { url, events: ['order.created'] });
      expect(res.status, url).toBe(422);
      expect(res.body.error.code).toBe('invalid_host');
    }
    const hook = await register();
    const strict = { ...services(), egress: createEgressGuard({ allowPrivateHosts: [] }) };
    await expect(
      createWebhook(strict, await environmentOf(hook.id), {
        url: consumer.url('/hook/x'),
        events: ['order.created'],
      }),
    ).rejects.toMatchObject({ code: 'invalid_host' });

    // Checked again before each send: a host that is no longer allowed gets nothing.
    await emitEvent(f.store.db, {
      environmentId: await environmentOf(hook.id),
      type: 'order.created',
      data: { quoteId: 'Q-EGRESS' },
      now: new Date(Date.now() + HOUR),
    });
    const tally = await processWebhookDeliveries(strict, { now: new Date(Date.now() + 2 * HOUR) });
    expect(tally.claimed).toBeGreaterThanOrEqual(1);
    expect(consumer.received(hook.path)).toHaveLength(0);
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null });
    expect(d!.lastError).toMatch(/egress/);
    expect((await f.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
  });

  // Last in the file: afterwards the app's own vault (old key only) no longer opens these secrets.
  it('keeps signing with the same secret after the master key is rotated', async () => {
    const hook = await register();
    const ring = `test1:${Buffer.alloc(32, 1).toString('base64')},test2:${Buffer.alloc(32, 2).toString('base64')}`;
    const rotated = createVaultFromKeys(parseKeyRing(ring));
    const result = await rotateSealedColumn(f.store.db, rotated, WEBHOOK_SECRETS);
    expect(result.rewrapped).toBeGreaterThanOrEqual(1);
    const rows = await f.store.executeSql('select secret_sealed from webhooks where id = $1', [hook.id]);
    expect(rotated.keyIdOf(rows.rows[0].secret_sealed as string)).toBe('test2');

    await emitEvent(f.store.db, {
      environmentId: await environmentOf(hook.id),
      type: 'order.created',
      data: { quoteId: 'Q-ROTATED' },
      now: new Date(Date.now() + HOUR),
    });
    await processWebhookDeliveries(
      { ...services(), vault: rotated },
      { now: new Date(Date.now() + 2 * HOUR) },
    );
    const [got] = consumer.received(hook.path);
    expect(verifyWebhookSignature(hook.secret, got!.headers['x3bridge-signature'], got!.body).ok).toBe(true);
  });
});
