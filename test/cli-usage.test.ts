import { beforeAll, describe, expect, it } from 'vitest';
import { collect, requireBuild, runCli, startCli, waitForOutput } from './cli-support.js';

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
  });

  it('shows examples in the help of the commands this module owns', async () => {
    for (const words of [['connections', 'list'], ['connections', 'check'], ['export']]) {
      const r = await runCli([...words, '--help']);
      expect(r.stdout).toMatch(/Examples:\n {2}\$ x3bridge /);
    }
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
