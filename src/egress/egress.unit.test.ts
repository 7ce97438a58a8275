import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch, request } from 'undici';
import { createEgressGuard, EgressError, type HostLookup } from './egress-guard.js';
import { classifyAddress, parseIp } from './ip-ranges.js';
import { createPinnedDispatcher } from './pinned-dispatcher.js';

const fixedLookup =
  (table: Record<string, string[]>): HostLookup =>
  async (host) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function refusal(promise: Promise<unknown>): Promise<EgressError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(EgressError);
    return err as EgressError;
  }
  throw new Error('expected the guard to refuse');
}

describe('address classification', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['fe80::1', 'link_local'],
    ['100.64.0.1', 'shared_cgnat'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a00:1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link_local'],
    ['2002:7f00:1::', 'loopback'],
  ])('%s is %s', (addr, cls) => {
    expect(classifyAddress(parseIp(addr)!)).toBe(cls);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])(
    '%s is public',
    (addr) => {
      expect(classifyAddress(parseIp(addr)!)).toBeNull();
    },
  );
});

describe('egress guard', () => {
  const guard = createEgressGuard({
    allowPrivateHosts: [],
    lookup: fixedLookup({
      'x3.example.com': ['93.184.216.34'],
      'rebind.example.com': ['8.8.8.8', '10.0.0.5'],
    }),
  });

  it.each([
    'http://0.0.0.0:8124/',
    'http://[::ffff:127.0.0.1]:8124/',
    'http://[::ffff:7f00:1]/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::]/',
    'http://[fe80::1]/',
    'http://100.64.1.1/',
    'http://10.0.0.1/',
  ])('refuses %s', async (url) => {
    const err = await refusal(guard.check(url));
    expect(err.reason).toBe('private_address');
    expect(err.fix).toContain('X3BRIDGE_ALLOW_PRIVATE_HOSTS');
  });

  it('refuses a name that resolves to a private address, even when one answer is public', async () => {
    const err = await refusal(guard.check('https://rebind.example.com/'));
    expect(err.reason).toBe('private_address');
    expect(err.message).toContain('10.0.0.5');
  });

  it('refuses localhost through the real resolver', async () => {
    const real = createEgressGuard({ allowPrivateHosts: [] });
    const err = await refusal(real.check('http://localhost:8124/'));
    expect(err.reason).toBe('private_address');
  });

  it('refuses other schemes, bad URLs, credentials in the URL and unknown names', async () => {
    expect((await refusal(guard.check('ftp://x3.example.com/'))).reason).toBe('unsupported_scheme');
    expect((await refusal(guard.check('file:///etc/passwd'))).reason).toBe('unsupported_scheme');
    expect((await refusal(guard.check('not a url'))).reason).toBe('bad_url');
    const cred = await refusal(guard.check('https://admin:hunter2@x3.example.com/'));
    expect(cred.reason).toBe('credentials_in_url');
    expect(cred.message).not.toContain('hunter2');
    expect((await refusal(guard.check('https://nowhere.example.com/'))).reason).toBe('dns_failed');
  });

  it('accepts a public host and pins its address', async () => {
    const t = await guard.check('https://x3.example.com:8124/');
    expect(t.addresses).toEqual([{ address: '93.184.216.34', family: 4 }]);
    expect(t.allowlisted).toBe(false);
  });

  it('lets the allowlist through by name, by CIDR and with *', async () => {
    const lookup = fixedLookup({ 'x3.internal': ['10.20.0.7'], 'other.internal': ['10.30.0.1'] });
    const byName = createEgressGuard({ allowPrivateHosts: ['X3.Internal'], lookup });
    expect((await byName.check('https://x3.internal/')).allowlisted).toBe(true);
    await refusal(byName.check('https://other.internal/'));

    const byCidr = createEgressGuard({ allowPrivateHosts: ['10.20.0.0/16', '127.0.0.1'], lookup });
    expect((await byCidr.check('https://x3.internal/')).allowlisted).toBe(true);
    expect((await byCidr.check('http://127.0.0.1:9/')).allowlisted).toBe(true);
    await refusal(byCidr.check('https://other.internal/'));
    await refusal(byCidr.check('http://127.0.0.2/'));

    const all = createEgressGuard({ allowPrivateHosts: ['*'], lookup });
    expect((await all.check('http://169.254.169.254/')).allowlisted).toBe(true);
  });
});

describe('pinned dispatcher', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        res.end();
        return;
      }
      if (req.url === '/redirect-local') {
        res.writeHead(302, { location: `http://localhost:${port}/hello` });
        res.end();
        return;
      }
      res.end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('connects a checked name to its pinned address, whatever DNS says later', async () => {
    let answer = '127.0.0.1';
    const guard = createEgressGuard({
      allowPrivateHosts: ['x3.test'],
      lookup: async () => [{ address: answer, family: 4 }],
    });
    const target = await guard.check(`http://x3.test:${port}/`);
    answer = '10.9.9.9'; // a rebind after the check: never used
    const agent = createPinnedDispatcher([target]);
    try {
      const res = await request(`http://x3.test:${port}/hello`, { dispatcher: agent });
      expect(await res.body.text()).toBe('hello');
    } finally {
      await agent.close();
    }
  });

  it('refuses redirects to other origins, including a metadata address and another local name', async () => {
    const guard = createEgressGuard({ allowPrivateHosts: ['127.0.0.1'] });
    const target = await guard.check(`http://127.0.0.1:${port}/`);
    const agent = createPinnedDispatcher([target]);
    try {
      for (const path of ['/redirect', '/redirect-local']) {
        const err = await fetch(`http://127.0.0.1:${port}${path}`, { dispatcher: agent }).catch(
          (e: unknown) => e,
        );
        expect((err as Error).cause).toBeInstanceOf(EgressError);
      }
      // The same origin still works through the same agent.
      const ok = await request(`http://127.0.0.1:${port}/hello`, { dispatcher: agent });
      expect(await ok.body.text()).toBe('hello');
    } finally {
      await agent.close();
    }
  });

  it('refuses an origin that was never checked', async () => {
    const guard = createEgressGuard({ allowPrivateHosts: ['127.0.0.1'] });
    const target = await guard.check(`http://127.0.0.1:${port}/`);
    const agent = createPinnedDispatcher([target]);
    try {
      const err = await request(`http://localhost:${port}/hello`, { dispatcher: agent }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EgressError);
    } finally {
      await agent.close();
    }
  });
});
