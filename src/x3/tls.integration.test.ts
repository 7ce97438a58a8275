import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createX3Client } from './client.js';
import { X3UnreachableError } from './errors.js';

// A self-signed X3 over https on loopback: refused as a TLS failure, trusted with `tls.ca`.
const hasOpenssl = existsSync('/usr/bin/openssl');
let dir: string;
let server: Server;
let base: string;
let cert: string;

beforeAll(async () => {
  if (!hasOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'x3-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ FCY: 'ALD01', FCYNAM: 'Aldgate London' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (!hasOpenssl) return;
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasOpenssl)('TLS', () => {
  const auth = { type: 'basic', user: 'WEBSVC', password: 'websvc' } as const;

  it('an untrusted certificate is an unreachable X3, reason tls', async () => {
    const x3 = createX3Client({ baseUrl: base, folder: 'ALDGATE', auth });
    const error = await x3.sites.get('ALD01').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3UnreachableError);
    expect(error).toMatchObject({ reason: 'tls' });
    await x3.close();
  });

  it('tls.ca trusts a self-signed X3', async () => {
    const x3 = createX3Client({ baseUrl: base, folder: 'ALDGATE', auth, tls: { ca: cert } });
    await expect(x3.sites.get('ALD01')).resolves.toMatchObject({ code: 'ALD01', name: 'Aldgate London' });
    await x3.close();
  });
});
