import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import {
  connectionService,
  createConnectionClients,
  createX3Access,
  type Connection,
} from '../src/connections/index.js';
import { acquireDataDirLock } from '../src/db/data-dir-lock.js';
import { openStore, type Store } from '../src/db/index.js';
import { createTestDatabase } from '../src/db/test-support/stores.js';
import { ensureEnvironment } from '../src/environments/index.js';
import { parseCsv } from '../src/mappings/mapping.csv.js';
import { createVault } from '../src/secrets/index.js';
import { createSimulator, DEMO_CREDENTIALS, type Simulator } from '../src/simulator/index.js';
import { BIN, cliEnv, requireBuild, run, runCli } from './cli-support.js';

// The child process and this file share one Postgres database: an embedded data folder has a
// single owner, so the CLI could not open it while this process holds it.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let store: Store;
let sim: Simulator;
let env: Record<string, string>;
let healthy: Connection;
let broken: Connection;
let workDir: string;
const SECRET = DEMO_CREDENTIALS.oauth2.clientSecret;

async function connect(
  config: ReturnType<typeof loadConfig>,
  environmentName: string,
  name: string,
  baseUrl: string,
): Promise<Connection> {
  const vault = await createVault(config);
  const access = createX3Access(config);
  const deps: connectionService.ConnectionServiceDeps = {
    db: store.db,
    vault,
    access,
    clients: createConnectionClients({ db: store.db, vault, access }),
    log: {
      info: () => undefined,
      warn: () => undefined,
    } as unknown as connectionService.ConnectionServiceDeps['log'],
  };
  const { environment } = await ensureEnvironment(store.db, environmentName);
  const { connection } = await connectionService.createConnection(
    deps,
    { environmentId: environment.id, actor: 'test' },
    {
      name,
      baseUrl,
      folder: 'ALDGATE',
      auth: { type: 'client_credentials', ...DEMO_CREDENTIALS.oauth2 },
    },
  );
  return connection;
}

beforeAll(async () => {
  requireBuild();
  workDir = mkdtempSync(join(tmpdir(), 'x3b-cli-'));
  database = await createTestDatabase();
  env = cliEnv({
    DATABASE_URL: database.url,
    X3BRIDGE_DATA_DIR: join(workDir, 'data'),
    X3BRIDGE_MASTER_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    X3BRIDGE_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
  });
  const config = loadConfig(env);
  store = await openStore(config, { command: 'test' });
  sim = await createSimulator({ scale: 10, quiet: true });
  // A second X3 that disappears after the connection is made: its health check must fail.
  const doomed = await createSimulator({ quiet: true });
  healthy = await connect(config, 'acme', 'Aldgate Packaging Solutions', sim.url);
  broken = await connect(config, 'beta', 'Gone tenant', doomed.url);
  await doomed.close();
});

afterAll(async () => {
  await sim?.close();
  await store?.close();
  await database?.drop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('x3bridge connections list', () => {
  it('prints a table of every environment, without secrets', async () => {
    const r = await runCli(['connections', 'list'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+ENVIRONMENT\s+NAME\s+FOLDER\s+STATUS/);
    expect(lines).toHaveLength(3);
    expect(r.stdout).toMatch(
      new RegExp(`${healthy.id}\\s+acme\\s+Aldgate Packaging Solutions\\s+ALDGATE\\s+active`),
    );
    expect(r.stdout).toMatch(new RegExp(`${broken.id}\\s+beta\\s+`));
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout).not.toContain(DEMO_CREDENTIALS.oauth2.clientId);
  });

  it('prints JSON for scripts, scoped with --environment', async () => {
    const all = await runCli(['connections', 'list', '--json'], env);
    expect(all.code).toBe(0);
    const parsed = JSON.parse(all.stdout) as Array<{ id: string; environment: string; folder: string }>;
    expect(parsed.map((c) => [c.id, c.environment]).sort()).toEqual(
      [
        [healthy.id, 'acme'],
        [broken.id, 'beta'],
      ].sort(),
    );
    expect(all.stdout).not.toContain(SECRET);
    const scoped = await runCli(['connections', 'list', '--json', '--environment', 'beta'], env);
    expect((JSON.parse(scoped.stdout) as Array<{ id: string }>).map((c) => c.id)).toEqual([broken.id]);
    const missing = await runCli(['connections', 'list', '--environment', 'nowhere'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('there is no environment named "nowhere"');
  });
});

describe('x3bridge connections check', () => {
  it('prints each step with its timing and exits 0 when X3 answers', async () => {
    const r = await runCli(['connections', 'check', healthy.id], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok\s+token\s+\d+ ms/);
    expect(r.stdout).toMatch(/ok\s+test read\s+\d+ ms/);
    expect(r.stdout).toMatch(/Status: active$/m);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('exits 1 when the check fails, records the status and says how to fix it', async () => {
    const r = await runCli(['connections', 'check', broken.id], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED\s+token/);
    expect(r.stdout).toMatch(/Status: unreachable \(was active\)/);
    expect(r.stdout).toMatch(/^Fix: /m);
    expect(r.stderr).toBe(`x3bridge: connection ${broken.id} failed its health check.\n`);
    const after = await connectionService.getConnection(store.db, broken.environmentId, broken.id);
    expect(after.status).toBe('unreachable');
    expect(after.lastCheckedAt!.getTime()).toBeGreaterThan(broken.lastCheckedAt!.getTime());
  });

  it('finds the id only in the environment asked for', async () => {
    const wrong = await runCli(['connections', 'check', healthy.id, '--environment', 'beta'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/no connection .* in environment "beta"/);
    const json = await runCli(['connections', 'check', healthy.id, '--environment', 'acme', '--json'], env);
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout) as { status: string; checks: Array<{ step: string; ok: boolean }> };
    expect(body.status).toBe('active');
    expect(body.checks.map((c) => [c.step, c.ok])).toEqual([
      ['token', true],
      ['test_read', true],
    ]);
  });
});

describe('x3bridge export', () => {
  const refs = () => new Set(sim.records('ALDGATE', 'ITMMASTER').map((r) => String(r.ITMREF)));

  it('streams every item to an NDJSON file, each once, normalized', async () => {
    const file = join(workDir, 'items.ndjson');
    const r = await runCli(['export', 'items', '--connection', healthy.id, '--out', file], env);
    expect(r.stderr).toMatch(/^Exported 10000 record\(s\) of items as ndjson to .*items\.ndjson/);
    expect(r.code).toBe(0);
    // No progress bar in a pipe.
    expect(r.stderr).not.toMatch(/records\/s/);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(10_000);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const seen = new Set(records.map((x) => x.ref as string));
    expect(seen.size).toBe(10_000);
    expect(seen).toEqual(refs());
    const box = records.find((x) => x.ref === 'BOX-S-200');
    expect(box).toMatchObject({
      ref: 'BOX-S-200',
      description: 'Shipping box small 200mm',
      category: 'BOXES',
      active: true,
      basePrice: '0.42',
      ean: '5074538789556',
      units: { stock: 'UN', sales: 'UN', purchase: 'UN' },
    });
    expect(box).not.toHaveProperty('raw');
    expect(readdirSync(workDir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('streams every item as CSV to standard output, flattened and quoted', async () => {
    const r = await runCli(['export', 'items', '-c', healthy.id, '--format', 'csv'], env);
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout);
    const header = rows.shift()!;
    expect(header).toEqual(expect.arrayContaining(['ref', 'description', 'units.stock', 'basePrice']));
    expect(rows).toHaveLength(10_000);
    const at = (name: string) => header.indexOf(name);
    expect(new Set(rows.map((row) => row[at('ref')]))).toEqual(refs());
    const box = rows.find((row) => row[at('ref')] === 'BOX-S-200')!;
    expect(box[at('description')]).toBe('Shipping box small 200mm');
    expect(box[at('units.stock')]).toBe('UN');
    expect(box[at('basePrice')]).toBe('0.42');
    expect(box[at('active')]).toBe('true');
    expect(JSON.parse(box[at('descriptions')]!)).toEqual(['Shipping box small 200mm']);
  });

  it('applies filters and the limit', async () => {
    const r = await runCli(
      ['export', 'customers', '-c', healthy.id, '--search', 'bakery', '--limit', '1', '--raw', '-q'],
      env,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const customer = JSON.parse(lines[0]!) as { name: string; raw: { BPCNUM: string } };
    expect(customer.name).toBe('Brick Lane Bakery');
    expect(customer.raw.BPCNUM).toBeTruthy();
  });

  it('shows a progress bar on standard error when it is a terminal', async () => {
    // `script` gives the command a pseudo-terminal, as an engineer's shell would.
    const file = join(workDir, 'tty.ndjson');
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [
      process.execPath,
      BIN,
      'export',
      'items',
      '-c',
      healthy.id,
      '--limit',
      '500',
      '--out',
      file,
    ]
      .map(quote)
      .join(' ');
    const r = await run('script', ['-qec', command, '/dev/null'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+\/500 records \| \d+ records\/s \| ETA/);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(500);
    const quiet = await run('script', ['-qec', `${command} --no-progress`, '/dev/null'], env);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toMatch(/records\/s/);
  });

  it('ends quietly when the reader of a pipe stops early', async () => {
    const command = `set -o pipefail; '${process.execPath}' '${BIN}' export items -c ${healthy.id} | head -n 2`;
    const r = await run('bash', ['-c', command], env);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('fails in plain words when X3 is gone, and leaves no file behind', async () => {
    const file = join(workDir, 'gone.csv');
    const r = await runCli(['export', 'items', '-c', broken.id, '--format', 'csv', '--out', file], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^x3bridge: export of items failed; no file was written: X3 could not be reached/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(workDir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('refuses an output path it cannot write, before reading X3', async () => {
    sim.clearRequests();
    const r = await runCli(
      ['export', 'items', '-c', healthy.id, '--out', join(workDir, 'no', 'such', 'x.csv')],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write .*x\.csv: its folder does not exist\./);
    expect(sim.requests().filter((q) => q.path.includes('ITMMASTER'))).toEqual([]);
  });

  it('names an unknown connection', async () => {
    const r = await runCli(['export', 'items', '-c', 'con_nope'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/there is no connection con_nope/);
  });
});

describe('beside a server that holds the embedded data folder', () => {
  it('says how to proceed and exits 1', async () => {
    const dataDir = join(workDir, 'held');
    // The lock a running `x3bridge serve` takes on its data folder (this process is alive).
    const lock = acquireDataDirLock(dataDir, 'x3bridge serve');
    lock.update({ url: 'http://127.0.0.1:3999' });
    try {
      const heldEnv = cliEnv({ X3BRIDGE_DATA_DIR: dataDir });
      const curl = 'curl -H "Authorization: Bearer $X3BRIDGE_API_KEY" http://127.0.0.1:3999';
      for (const [args, hint] of [
        [['connections', 'list'], `${curl}/v1/connections`],
        [
          ['connections', 'check', 'con_x'],
          curl.replace('curl ', 'curl -X POST ') + '/v1/connections/con_x/check',
        ],
        [['export', 'items', '-c', 'con_x'], null],
      ] as const) {
        const r = await runCli([...args], heldEnv);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(
          'another x3bridge process holds it (x3bridge serve at http://127.0.0.1:3999',
        );
        expect(r.stderr).toContain('stop that process');
        expect(r.stderr).toContain('DATABASE_URL');
        // The HTTP way out is offered only where the server has the same thing.
        if (hint) expect(r.stderr).toContain(hint);
        else expect(r.stderr).not.toContain('curl');
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      lock.release();
    }
  });
});
