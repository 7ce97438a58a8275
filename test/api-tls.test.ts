import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../src/db/test-support/stores.js';
import { createSimulator } from '../src/simulator/index.js';
import { startApiFixture, type ApiFixture } from './api-support.js';

// An on-premise X3 with a self-signed certificate: the simulator behind an https proxy on
// loopback. Without its CA the wizard says the certificate is not trusted and how to fix it;
// with `settings.tls.ca` the connection is created and serves reads.
const hasOpenssl = existsSync('/usr/bin/openssl');
if (!hasOpenssl) console.warn('api-tls: /usr/bin/openssl is missing, skipping the self-signed X3 tests');

function selfSigned(dir: string, name: string): { key: string; cert: string } {
  execFileSync(
    '/usr/bin/openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.pem`),
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
  };
}

describe.skipIf(!hasOpenssl).each(testBackends)('self-signed X3 over https on %s', (kind) => {
  let f: ApiFixture;
  let dir: string;
  let x3: { key: string; cert: string };
  let other: { key: string; cert: string };
  let proxy: Server;
  let simulator: Awaited<ReturnType<typeof createSimulator>>;
  let httpsUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'x3bridge-tls-'));
    x3 = selfSigned(dir, 'x3-self-signed');
    other = selfSigned(dir, 'another-ca');
    let target = '';
    proxy = createServer({ key: x3.key, cert: x3.cert }, (req, res) => {
      const upstream = httpRequest(
        `${target}${req.url ?? '/'}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    httpsUrl = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    // Links and Location headers name the https address, as a real X3 behind TLS would.
    simulator = await createSimulator({ port: 0, quiet: true, publicUrl: httpsUrl });
    target = simulator.url;
    f = await startApiFixture(kind);
  });

  afterAll(async () => {
    await f?.close();
    await simulator?.close();
    proxy?.closeAllConnections();
    await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const body = (settings?: Record<string, unknown>) =>
    f.connectionBody({ name: 'Aldgate on-premise', baseUrl: httpsUrl, ...(settings ? { settings } : {}) });

  it('without the CA the wizard says the certificate is not trusted, and how to fix it', async () => {
    const res = await f.call('POST', '/v1/connections/check', body());
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('x3_unreachable');
    expect(res.body.error.message).toMatch(/not trusted/);
    expect(res.body.error.details).toMatchObject({ reason: 'tls_untrusted', step: 'token' });
    expect(res.body.error.details.fix).toMatch(/CA certificate \(PEM\) under Advanced/);
    expect(res.body.error.details.fix).toMatch(/NODE_EXTRA_CA_CERTS/);

    const wrongCa = await f.call('POST', '/v1/connections/check', body({ tls: { ca: other.cert } }));
    expect(wrongCa.status).toBe(422);
    expect(wrongCa.body.error.details.reason).toBe('tls_untrusted');
    expect(wrongCa.body.error.message).toMatch(/given for this connection did not sign it/);
  });

  it('with the CA the connection is checked, created, summarised and read from', async () => {
    const check = await f.call('POST', '/v1/connections/check', body({ tls: { ca: x3.cert } }));
    expect(check.status).toBe(200);
    expect(check.body.status).toBe('active');

    const created = await f.call(
      'POST',
      '/v1/connections',
      body({ tls: { ca: `Aldgate X3 CA\n${x3.cert}` } }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const one = await f.call('GET', `/v1/connections/${id}`);
    expect(one.status).toBe(200);
    expect(one.body.settings.tls.certificates).toEqual([
      {
        subject: 'CN=x3-self-signed',
        sha256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
        notAfter: expect.any(String),
      },
    ]);
    expect(one.text).not.toContain('BEGIN CERTIFICATE');

    const customers = await f.call('GET', `/v1/connections/${id}/customers?limit=2`);
    expect(customers.status).toBe(200);
    expect(customers.body.data).toHaveLength(2);
    const next = await f.call(
      'GET',
      `/v1/connections/${id}/customers?limit=2&cursor=${encodeURIComponent(customers.body.nextCursor)}`,
    );
    expect(next.status).toBe(200);

    // New trust is checked before it is saved: a wrong CA is refused and the stored one stays.
    const wrong = await f.call('PATCH', `/v1/connections/${id}`, { settings: { tls: { ca: other.cert } } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.reason).toBe('tls_untrusted');
    expect((await f.call('GET', `/v1/connections/${id}/customers?limit=1`)).status).toBe(200);

    // Taking the CA away is checked too: without it this X3 cannot be reached.
    const removed = await f.call('PATCH', `/v1/connections/${id}`, { settings: { tls: null } });
    expect(removed.status).toBe(422);
    const renamed = await f.call('PATCH', `/v1/connections/${id}`, {
      name: 'Aldgate (TLS)',
      settings: { timeoutMs: 20000 },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.settings.tls.certificates).toHaveLength(1);
  });

  it('a PATCH with the CA mends a connection created before it was trusted', async () => {
    const created = await f.call('POST', '/v1/connections', f.connectionBody({ name: 'Plain http first' }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const moved = await f.call('PATCH', `/v1/connections/${id}`, { baseUrl: httpsUrl });
    expect(moved.status).toBe(422);
    const trusted = await f.call('PATCH', `/v1/connections/${id}`, {
      baseUrl: httpsUrl,
      settings: { tls: { ca: x3.cert } },
    });
    expect(trusted.status).toBe(200);
    expect(trusted.body.checks.map((c: { ok: boolean }) => c.ok)).toEqual([true, true]);
    expect(trusted.body.baseUrl).toBe(httpsUrl);
  });

  it('refuses what is not a PEM certificate with a 400 that says why', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['hello', /not a PEM certificate/],
      [x3.key, /private key/],
      [
        x3.cert
          .split('\n')
          .filter((_, i) => i !== 3)
          .join('\n'),
        /not a valid PEM certificate/,
      ],
      ['x'.repeat(70_000), /fits in 64 KB/],
      [42, /./],
    ];
    for (const [ca, why] of cases) {
      const res = await f.call('POST', '/v1/connections/check', body({ tls: { ca } }));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_body');
      expect(res.body.error.message).toMatch(/settings\.tls\.ca/);
      expect(res.body.error.message).toMatch(why);
      expect(res.text).not.toContain('PRIVATE KEY-----');
    }
    const unknown = await f.call(
      'POST',
      '/v1/connections',
      body({ tls: { ca: x3.cert, rejectUnauthorized: false } }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/rejectUnauthorized/);
  });
});
