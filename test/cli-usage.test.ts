import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, collect, requireBuild, runCli, startCli, waitForOutput } from './cli-support.js';

beforeAll(() => requireBuild());

describe('x3bridge --help', () => {
  it('lists every command with examples and exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['serve', 'simulator', 'migrate', 'keys', 'connections', 'export'])
      expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(r.stdout).toMatch(/Examples:/);
    expect(r.stdout).toMatch(/Exit codes: 0 success, 1 failure, 2 bad usage/);
  });

  it.each([
    'serve',
    'simulator',
    'migrate',
    'keys',
    'keys create',
    'keys rotate',
    'connections',
    'connections list',
    'connections check',
    'export',
  ])('%s --help prints its usage and exits 0', async (command: string) => {
    const r = await runCli([...command.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: x3bridge ${command}`);
    if (/^(connections (list|check)|export)$/.test(command))
      expect(r.stdout).toMatch(/Examples:\n {2}\$ x3bridge /);
  });
});

describe('bad usage exits 2 with a hint', () => {
  it.each([
    [['frobnicate']],
    [['connections', 'list', '--bogus']],
    [['connections', 'check']],
    [['export', 'items']],
    [['export', 'items', '--connection', 'con_x', '--format', 'xml']],
    [['export', 'items', '--connection', 'con_x', '--from', '31/01/2026']],
    [['export', 'widgets', '--connection', 'con_x']],
    [['export', 'customers', '--connection', 'con_x', '--fiscal-year', '2026']],
    [['simulator', '--port', 'abc']],
  ])('%j', async (args: string[]) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--help/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names what is wrong with a filter', async () => {
    const r = await runCli(['export', 'customers', '--connection', 'con_x', '--fiscal-year', '2026']);
    expect(r.stderr).toContain('--fiscal-year does not apply to customers');
  });
});

describe('x3bridge simulator --port 0', () => {
  it('prints its URL and demo credentials, serves X3, and stops on SIGTERM', async () => {
    const child = startCli(['simulator', '--port', '0']);
    const done = collect(child);
    const banner = await waitForOutput(child, /Press Ctrl\+C to stop/);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    expect(url).toBeDefined();
    expect(banner).toContain('aldgate-integration / aldgate-demo-secret');
    expect(banner).toContain('ALDGATE');
    const token = await fetch(`${url}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('aldgate-integration:aldgate-demo-secret').toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(200);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('X3 simulator stopped.');
  });
});

describe('runtime failures exit 1 with one plain line', () => {
  const unreachable = cliEnv({ DATABASE_URL: 'postgres://admin:hunter2@127.0.0.1:1/acme' });

  it('names the database it cannot open, without its password, and no stack trace', async () => {
    const r = await runCli(['connections', 'list'], unreachable);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'x3bridge: cannot open the Postgres database acme at 127.0.0.1:1: nothing answers at that address and ' +
        'port. Check DATABASE_URL and that the server is running.\n',
    );
  });

  it('adds the stack trace with --debug or LOG_LEVEL=debug', async () => {
    for (const [args, env] of [
      [['connections', 'list', '--debug'], unreachable],
      [['connections', 'list'], { ...unreachable, LOG_LEVEL: 'debug' }],
    ] as const) {
      const r = await runCli([...args], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/ECONNREFUSED[\s\S]*\n\s+at /);
      expect(r.stderr).not.toContain('hunter2');
    }
  });

  it('lists every bad variable at once', async () => {
    const r = await runCli(['connections', 'list'], cliEnv({ X3BRIDGE_PORT: 'abc', LOG_LEVEL: 'loud' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/X3BRIDGE_PORT: must be a whole number/);
    expect(r.stderr).toMatch(/LOG_LEVEL: must be one of/);
  });
});
