import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../src/db/test-support/stores.js';
import { createSimulator, DEMO_CREDENTIALS } from '../src/simulator/index.js';
import { startApiFixture, type ApiFixture } from './api-support.js';

const readOnlyClient = {
  clientId: DEMO_CREDENTIALS.readOnly.clientId,
  clientSecret: DEMO_CREDENTIALS.readOnly.clientSecret,
};

describe.each(testBackends)('connections API on %s', (kind) => {
  let f: ApiFixture;

  beforeAll(async () => {
    f = await startApiFixture(kind);
  });
  afterAll(async () => {
    await f?.close();
  });

  async function countConnections(): Promise<number> {
    const res = await f.call('GET', '/v1/connections?limit=500');
    expect(res.status).toBe(200);
    return res.body.data.length;
  }

  it('runs the dry run without storing anything', async () => {
    const res = await f.call('POST', '/v1/connections/check', f.connectionBody());
    expect(res.status).toBe(200);
    expect(res.body.id).toBeNull();
    expect(res.body.status).toBe('active');
    expect(res.body.checks.map((c: { step: string; ok: boolean }) => [c.step, c.ok])).toEqual([
      ['token', true],
      ['test_read', true],
    ]);
    expect(await countConnections()).toBe(0);
  });

  it('creates, lists, reads, patches, re-checks and deletes a connection', async () => {
    const created = await f.call('POST', '/v1/connections', f.connectionBody({ externalId: 'aldgate' }));
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^con_/);
    expect(created.body.status).toBe('active');
    expect(created.body.auth).toEqual({ type: 'client_credentials', clientIdHint: 'aldg…tion' });
    expect(created.body.checks).toHaveLength(2);
    expect(created.text).not.toContain('aldgate-demo-secret');
    const id = created.body.id as string;

    const dup = await f.call('POST', '/v1/connections', f.connectionBody({ externalId: 'aldgate' }));
    expect(dup.status).toBe(409);

    const list = await f.call('GET', '/v1/connections');
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(id);
    expect(list.body.nextCursor).toBeNull();

    const one = await f.call('GET', `/v1/connections/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id,
      folder: 'ALDGATE',
      externalId: 'aldgate',
      baseUrl: f.simulator.url,
    });

    const renamed = await f.call('PATCH', `/v1/connections/${id}`, {
      name: 'Aldgate (renamed)',
      settings: { timeoutMs: 20000 },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Aldgate (renamed)');
    expect(renamed.body.settings.timeoutMs).toBe(20000);
    expect(renamed.body.settings.tokenEndpointAuthMethod).toBe('client_secret_basic');

    const badRotation = await f.call('PATCH', `/v1/connections/${id}`, {
      auth: { type: 'client_credentials', clientId: 'aldgate-integration', clientSecret: 'not-the-secret' },
    });
    expect(badRotation.status).toBe(422);
    expect(badRotation.body.error.code).toBe('x3_auth_failed');
    // The old credentials still work: nothing was saved.
    const stillFine = await f.call('POST', `/v1/connections/${id}/check`);
    expect(stillFine.status).toBe(200);
    expect(stillFine.body.status).toBe('active');

    const rotated = await f.call('PATCH', `/v1/connections/${id}`, {
      auth: {
        type: 'client_credentials',
        ...{ clientId: 'aldgate-integration', clientSecret: 'aldgate-demo-secret' },
        tokenEndpointAuthMethod: 'client_secret_post',
      },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.settings.tokenEndpointAuthMethod).toBe('client_secret_post');
    expect(rotated.body.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);

    const read = await f.call('GET', `/v1/connections/${id}/customers/C0001`);
    expect(read.status).toBe(200);

    const other = await f.callB('GET', `/v1/connections/${id}`);
    expect(other.status).toBe(404);
    expect((await f.callB('DELETE', `/v1/connections/${id}`)).status).toBe(404);
    expect((await f.callB('POST', `/v1/connections/${id}/check`)).status).toBe(404);

    const deleted = await f.call('DELETE', `/v1/connections/${id}`);
    expect(deleted.status).toBe(204);
    expect((await f.call('GET', `/v1/connections/${id}`)).status).toBe(404);
    expect((await f.call('GET', `/v1/connections/${id}/customers/C0001`)).status).toBe(404);
  });

  it('records a status change when a health check fails, and back', async () => {
    const created = await f.call('POST', '/v1/connections', f.connectionBody({ name: 'status' }));
    const id = created.body.id as string;
    f.simulator.setFaults([{ match: { path: '/oauth2/token' }, action: 'status', status: 401 }]);
    let res: Awaited<ReturnType<typeof f.call>>;
    try {
      res = await f.call('POST', `/v1/connections/${id}/check`);
    } finally {
      f.simulator.clearFaults();
    }
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('auth_failed');
    expect(res.body.connection.lastError.code).toBe('x3_auth_failed');
    const back = await f.call('POST', `/v1/connections/${id}/check`);
    expect(back.body.status).toBe('active');
    expect(back.body.connection.lastError).toBeNull();
    const events = await f.store.db
      .selectFrom('audit_events')
      .select(['action', 'data'])
      .where('subject_id', '=', id)
      .where('action', '=', 'connection.status_changed')
      .execute();
    expect(events.map((e) => [e.data.from, e.data.to])).toEqual([
      ['active', 'auth_failed'],
      ['auth_failed', 'active'],
    ]);
    const sent = await f.store.db
      .selectFrom('webhook_events')
      .select(['data'])
      .where('type', '=', 'connection.status_changed')
      .execute();
    const mine = sent
      .map((e) => e.data as { connectionId: string; status: string })
      .filter((d) => d.connectionId === id);
    expect(mine.map((d) => d.status)).toEqual(['auth_failed', 'active']);
    await f.call('DELETE', `/v1/connections/${id}`);
  });

  it('moves a connection to a new address or folder, checked before it is saved', async () => {
    const created = await f.call('POST', '/v1/connections', f.connectionBody({ name: 'moving' }));
    const id = created.body.id as string;
    const moved = await createSimulator({ port: 0, quiet: true });
    try {
      const refused: Array<[Record<string, unknown>, string]> = [
        [{ baseUrl: 'http://10.0.0.1:8124' }, 'invalid_host'],
        [{ baseUrl: `http://127.0.0.1:${await f.closedPort()}` }, 'x3_unreachable'],
        [{ folder: 'NOSUCHFOLDER' }, 'x3_folder_not_found'],
        [{ baseUrl: moved.url, folder: 'NOSUCHFOLDER' }, 'x3_folder_not_found'],
      ];
      for (const [patch, code] of refused) {
        const res = await f.call('PATCH', `/v1/connections/${id}`, patch);
        expect(res.status, code).toBe(422);
        expect(res.body.error.code).toBe(code);
        expect(res.body.error.details.checks.some((c: { ok: boolean }) => !c.ok)).toBe(true);
        const still = await f.call('GET', `/v1/connections/${id}`);
        expect(still.body).toMatchObject({ baseUrl: f.simulator.url, folder: 'ALDGATE', status: 'active' });
      }

      const res = await f.call('PATCH', `/v1/connections/${id}`, { baseUrl: `${moved.url}/` });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ baseUrl: moved.url, folder: 'ALDGATE', status: 'active' });
      expect(res.body.checks.map((c: { step: string; ok: boolean }) => [c.step, c.ok])).toEqual([
        ['token', true],
        ['test_read', true],
      ]);
      moved.clearRequests();
      f.simulator.clearRequests();
      expect((await f.call('GET', `/v1/connections/${id}/customers/C0001`)).status).toBe(200);
      expect(moved.requests().some((r) => r.path.includes('BPCUSTOMER'))).toBe(true);
      expect(f.simulator.requests()).toHaveLength(0);

      const refolder = await f.call('PATCH', `/v1/connections/${id}`, { folder: 'aldtest' });
      expect(refolder.status).toBe(200);
      expect(refolder.body.folder).toBe('ALDTEST');
      moved.clearRequests();
      expect((await f.call('GET', `/v1/connections/${id}/customers?limit=1`)).status).toBe(200);
      const apiCalls = moved.requests().filter((r) => r.path.startsWith('/api1/'));
      expect(apiCalls.length).toBeGreaterThan(0);
      expect(apiCalls.every((r) => r.path.includes('/ALDTEST/'))).toBe(true);
      const audit = await f.store.db
        .selectFrom('audit_events')
        .select(['action'])
        .where('subject_id', '=', id)
        .where('action', '=', 'connection.moved')
        .execute();
      expect(audit).toHaveLength(2);
    } finally {
      await f.call('DELETE', `/v1/connections/${id}`);
      await moved.close();
    }
  });

  it('records a status change seen on ordinary calls once, and back once a call succeeds', async () => {
    const created = await f.call('POST', '/v1/connections', f.connectionBody({ name: 'calls' }));
    const id = created.body.id as string;
    const changes = async () => {
      const audit = await f.store.db
        .selectFrom('audit_events')
        .select(['data'])
        .where('subject_id', '=', id)
        .where('action', '=', 'connection.status_changed')
        .orderBy('created_at')
        .execute();
      const events = await f.store.db
        .selectFrom('webhook_events')
        .select(['data'])
        .where('type', '=', 'connection.status_changed')
        .execute();
      return {
        audit: audit.map((e) => `${e.data.from}>${e.data.to}`),
        events: events
          .map((e) => e.data as { connectionId: string; status: string })
          .filter((d) => d.connectionId === id)
          .map((d) => d.status),
      };
    };
    const statusNow = async () => (await f.call('GET', `/v1/connections/${id}`)).body;
    try {
      const before = await statusNow();
      for (let i = 0; i < 3; i++)
        expect((await f.call('GET', `/v1/connections/${id}/items?limit=1`)).status).toBe(200);
      // Successful calls on an active connection write nothing.
      expect((await statusNow()).updatedAt).toBe(before.updatedAt);

      f.simulator.setFaults([
        { match: { method: 'GET', class: 'BPCUSTOMER' }, action: 'status', status: 401 },
      ]);
      let refused: Array<Awaited<ReturnType<typeof f.call>>>;
      try {
        refused = await Promise.all(
          Array.from({ length: 3 }, () => f.call('GET', `/v1/connections/${id}/customers?limit=1`)),
        );
      } finally {
        f.simulator.clearFaults();
      }
      for (const r of refused) expect(r.body.error.code).toBe('x3_auth_failed');
      const failed = await statusNow();
      expect(failed.status).toBe('auth_failed');
      expect(failed.lastError).toMatchObject({ code: 'x3_auth_failed', step: null });
      expect(await changes()).toEqual({ audit: ['active>auth_failed'], events: ['auth_failed'] });

      expect((await f.call('GET', `/v1/connections/${id}/items?limit=1`)).status).toBe(200);
      expect((await f.call('GET', `/v1/connections/${id}/customers/C0001`)).status).toBe(200);
      const back = await statusNow();
      expect(back.status).toBe('active');
      expect(back.lastError).toBeNull();
      expect(await changes()).toEqual({
        audit: ['active>auth_failed', 'auth_failed>active'],
        events: ['auth_failed', 'active'],
      });

      // No rights on items is not the connection's fault; none on customers (the test class) is.
      for (const cls of ['ITMMASTER', 'BPCUSTOMER']) {
        f.simulator.setFaults([{ match: { method: 'GET', class: cls }, action: 'status', status: 403 }]);
        try {
          const path = cls === 'ITMMASTER' ? 'items' : 'customers';
          const res = await f.call('GET', `/v1/connections/${id}/${path}?limit=1`);
          expect(res.body.error.code).toBe('x3_permission_denied');
        } finally {
          f.simulator.clearFaults();
        }
        expect((await statusNow()).status).toBe(cls === 'ITMMASTER' ? 'active' : 'permission_denied');
      }
      expect((await f.call('GET', `/v1/connections/${id}/items?limit=1`)).status).toBe(200);
      expect((await statusNow()).status).toBe('permission_denied');
      expect((await f.call('GET', `/v1/connections/${id}/customers?limit=1`)).status).toBe(200);
      expect((await statusNow()).status).toBe('active');
      expect((await changes()).events).toEqual(['auth_failed', 'active', 'permission_denied', 'active']);
    } finally {
      await f.call('DELETE', `/v1/connections/${id}`);
    }
  });

  describe('tells each wizard failure apart, and stores nothing', () => {
    const cases: Array<[string, () => Promise<Record<string, unknown>>, string, string | null]> = [
      [
        'a port where nothing listens',
        async () => f.connectionBody({ baseUrl: `http://127.0.0.1:${await f.closedPort()}` }),
        'x3_unreachable',
        'token',
      ],
      [
        'a wrong client secret',
        async () =>
          f.connectionBody({
            auth: {
              type: 'client_credentials',
              clientId: 'aldgate-integration',
              clientSecret: 'not-the-right-secret',
            },
          }),
        'x3_auth_failed',
        'token',
      ],
      [
        'an unknown folder',
        async () => f.connectionBody({ folder: 'NOSUCHFOLDER' }),
        'x3_folder_not_found',
        'test_read',
      ],
      [
        'a client without rights on BPCUSTOMER',
        async () =>
          f.connectionBody({
            auth: { type: 'client_credentials', ...readOnlyClient },
          }),
        'x3_permission_denied',
        'test_read',
      ],
      [
        'a non-http URL',
        async () => f.connectionBody({ baseUrl: 'ftp://127.0.0.1/' }),
        'invalid_host',
        'token',
      ],
      [
        'a private host not allowed',
        async () => f.connectionBody({ baseUrl: 'http://10.0.0.1:8124' }),
        'invalid_host',
        'token',
      ],
      [
        'the cloud metadata address',
        async () => f.connectionBody({ baseUrl: 'http://169.254.169.254/' }),
        'invalid_host',
        'token',
      ],
    ];

    it.each(cases)('%s', async (_name, body, code, step) => {
      const before = await countConnections();
      const input = await body();
      for (const path of ['/v1/connections/check', '/v1/connections']) {
        const res = await f.call('POST', path, input);
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe(code);
        expect(res.body.error.message.length).toBeGreaterThan(10);
        expect(res.body.error.details.fix.length).toBeGreaterThan(10);
        expect(res.body.error.details.step).toBe(step);
        const failing = res.body.error.details.checks.find((c: { ok: boolean }) => !c.ok);
        expect(failing.step).toBe(step);
      }
      expect(await countConnections()).toBe(before);
    });

    it('points at the allowlist for a private host', async () => {
      const res = await f.call(
        'POST',
        '/v1/connections',
        f.connectionBody({ baseUrl: 'http://10.0.0.1:8124' }),
      );
      expect(res.body.error.details.fix).toContain('X3BRIDGE_ALLOW_PRIVATE_HOSTS');
    });
  });

  it('reports a redirecting address as a misconfigured URL and does not follow it', async () => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(302, { location: `${f.simulator.url}${req.url ?? '/'}` }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      f.simulator.clearRequests();
      const res = await f.call(
        'POST',
        '/v1/connections',
        f.connectionBody({ baseUrl: `http://127.0.0.1:${port}` }),
      );
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('invalid_host');
      expect(res.body.error.message).toContain('redirect');
      expect(hits.length).toBeGreaterThan(0);
      expect(f.simulator.requests()).toHaveLength(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('validates the body and names the fields', async () => {
    const res = await f.call('POST', '/v1/connections', { name: '', folder: 'ALDGATE' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_body');
  });

  it('refuses unknown fields and query parameters instead of dropping them', async () => {
    const before = await countConnections();
    const good = f.connectionBody() as { auth: Record<string, unknown> };
    const bodies: Array<[Record<string, unknown>, string]> = [
      [{ ...good, region: 'eu' }, '"region"'],
      [{ ...good, settings: { timeoutms: 30000 } }, '"timeoutms"'],
      [{ ...good, auth: { ...good.auth, clientsecret: 'x' } }, '"clientsecret"'],
    ];
    for (const [body, named] of bodies) {
      for (const path of ['/v1/connections/check', '/v1/connections']) {
        const res = await f.call('POST', path, body);
        expect(res.status, `${path} ${named}`).toBe(400);
        expect(res.body.error.code).toBe('invalid_body');
        expect(res.body.error.message).toContain(named);
      }
    }
    expect(await countConnections()).toBe(before);
    const created = await f.call('POST', '/v1/connections', f.connectionBody({ name: 'strict' }));
    const id = created.body.id as string;
    const patched = await f.call('PATCH', `/v1/connections/${id}`, { name: 'x', nmae: 'y' });
    expect(patched.status).toBe(400);
    expect(patched.body.error.code).toBe('invalid_body');
    expect(patched.body.error.message).toContain('"nmae"');
    expect((await f.call('GET', `/v1/connections/${id}`)).body.name).toBe('strict');
    const listed = await f.call('GET', '/v1/connections?limt=5');
    expect(listed.status).toBe(400);
    expect(listed.body.error.code).toBe('invalid_query');
    expect(listed.body.error.message).toContain('"limt"');
    await f.call('DELETE', `/v1/connections/${id}`);
  });

  it('pages the connection list with a cursor that cannot be forged', async () => {
    const ids: string[] = [];
    for (const name of ['p1', 'p2', 'p3']) {
      ids.push((await f.call('POST', '/v1/connections', f.connectionBody({ name }))).body.id);
    }
    const first = await f.call('GET', '/v1/connections?limit=2');
    expect(first.body.data).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await f.call(
      'GET',
      `/v1/connections?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.status).toBe(200);
    const seen = [...first.body.data, ...second.body.data].map((c: { id: string }) => c.id);
    expect(new Set(seen).size).toBe(seen.length);
    const forged = await f.call(
      'GET',
      `/v1/connections?cursor=${encodeURIComponent(`${first.body.nextCursor}x`)}`,
    );
    expect(forged.status).toBe(400);
    const elsewhere = await f.callB(
      'GET',
      `/v1/connections?cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(elsewhere.status).toBe(400);
    for (const id of ids) await f.call('DELETE', `/v1/connections/${id}`);
  });
});
