import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { testBackends } from '../src/db/test-support/stores.js';
import { startApiFixture, type ApiAnswer, type ApiFixture } from './api-support.js';

// Wizard failures that need no outside network: a name that never resolves (`.invalid` is
// reserved for that) and an X3 slower than the connection's own timeout. Each must come back
// as its own message and fix, fast, and store nothing.
describe.each(testBackends)('wizard failures over HTTP on %s', (kind) => {
  let f: ApiFixture;
  /** The same store behind an app that allowlists the unresolvable name, so DNS is the only obstacle. */
  let app: App;
  let url: string;

  beforeAll(async () => {
    f = await startApiFixture(kind);
    app = await createApp(
      { ...f.config, allowPrivateHosts: ['127.0.0.1', 'x3.invalid'] },
      { store: f.store },
    );
    url = await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    await f?.close();
  });

  async function call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${f.keyA}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
  }

  async function countConnections(): Promise<number> {
    const res = await call('GET', '/v1/connections?limit=500');
    expect(res.status).toBe(200);
    return res.body.data.length;
  }

  /** Runs the dry run and the create with the same input; both must refuse it the same way. */
  async function refusals(input: Record<string, unknown>, before?: () => void) {
    const out: Array<{ res: ApiAnswer; ms: number }> = [];
    for (const path of ['/v1/connections/check', '/v1/connections']) {
      before?.();
      const start = performance.now();
      const res = await call('POST', path, input);
      out.push({ res, ms: performance.now() - start });
      expect(res.status, res.text).toBe(422);
    }
    return out;
  }

  it('tells a host name that does not resolve, fast and before any request', async () => {
    const count = await countConnections();
    f.simulator.clearRequests();
    const input = f.connectionBody({ baseUrl: 'http://x3.invalid:8124' });
    for (const { res, ms } of await refusals(input)) {
      expect(ms).toBeLessThan(5_000);
      const err = res.body.error;
      expect(err.code).toBe('x3_unreachable');
      expect(err.message).toContain('"x3.invalid"');
      expect(err.message).toContain('could not be resolved');
      expect(err.details).toMatchObject({ step: 'token', status: 'unreachable' });
      expect(err.details.fix).toContain('spelling of the host name');
      expect(err.details.checks).toEqual([expect.objectContaining({ step: 'token', ok: false })]);
    }
    expect(f.simulator.requests()).toHaveLength(0);
    expect(await countConnections()).toBe(count);
  });

  it('tells a test read slower than settings.timeoutMs, and does not wait for it', async () => {
    const count = await countConnections();
    const input = f.connectionBody({ name: 'slow', settings: { timeoutMs: 1_000 } });
    let outcomes: Array<{ res: ApiAnswer; ms: number }>;
    try {
      outcomes = await refusals(input, () =>
        f.simulator.setFaults([
          { match: { method: 'GET', class: 'BPCUSTOMER' }, action: 'delay', ms: 4_000, times: 1 },
        ]),
      );
    } finally {
      f.simulator.clearFaults();
    }
    for (const { res, ms } of outcomes) {
      // The connection's timeout ended the call, not the simulator's delay.
      expect(ms).toBeLessThan(3_500);
      const err = res.body.error;
      expect(err.code).toBe('x3_unreachable');
      expect(err.details).toMatchObject({ step: 'test_read', status: 'unreachable' });
      expect(err.details.fix).toContain('did not answer in time');
      expect(err.details.fix).toContain('settings.timeoutMs');
      expect(err.details.checks.map((c: { step: string; ok: boolean }) => [c.step, c.ok])).toEqual([
        ['token', true],
        ['test_read', false],
      ]);
    }
    expect(await countConnections()).toBe(count);

    // Told apart from the DNS failure by its message and fix, not only by its step.
    const dns = (
      await call('POST', '/v1/connections/check', f.connectionBody({ baseUrl: 'http://x3.invalid/' }))
    ).body.error;
    const slow = outcomes[0]!.res.body.error;
    expect(slow.message).not.toBe(dns.message);
    expect(slow.details.fix).not.toBe(dns.details.fix);

    // The same X3 within the timeout is fine.
    const fine = await call('POST', '/v1/connections/check', input);
    expect(fine.status).toBe(200);
    expect(fine.body.status).toBe('active');
  });
});
