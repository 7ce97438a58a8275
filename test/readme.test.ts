// The README's walkthrough, run as a new user would: `serve --demo` from the real binary, then
// the README's own shell block against it. If the README drifts from the product, this fails.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, requireBuild, startCli } from './cli-support.js';

const run = promisify(execFile);
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The shell block that follows "With the printed key and connection id:". */
function walkthrough(): string {
  const at = README.indexOf('With the printed key and connection id:');
  const block = /```sh\n([\s\S]*?)```/.exec(README.slice(at));
  if (at < 0 || !block?.[1]) throw new Error('README walkthrough block not found');
  return block[1];
}

describe('the README walkthrough', () => {
  const dir = mkdtempSync(join(tmpdir(), 'x3b-readme-'));
  let server: ReturnType<typeof startCli>;
  let url = '';
  let key = '';
  let connection = '';

  beforeAll(async () => {
    requireBuild();
    server = startCli(['serve', '--demo', '--port', '0'], cliEnv({ X3BRIDGE_DATA_DIR: join(dir, 'data') }));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      server.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m =
          /listening at (http:\/\/\S+)[\s\S]*connection (con_\w+)[\s\S]*key[^:]*: (x3b_live_\w+)/.exec(out);
        if (m) {
          [, url, connection, key] = m as unknown as [string, string, string, string];
          resolve();
        }
      });
      server.on('exit', (code) => reject(new Error(`serve --demo exited with ${code}: ${out}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints what the README shows', () => {
    expect(README).toContain('npm install && npm start');
    expect(README).toContain('npm test');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('runs the README block as written, ending with one X3 order replayed', async () => {
    // The README's first line sets KEY, CON and API from what serve printed: set them for real.
    const lines = walkthrough().split('\n');
    expect(lines[0]).toMatch(/^KEY=x3b_live_…; CON=con_…; API=/);
    lines[0] = `KEY=${key}; CON=${connection}; API=${url}/v1/connections/$CON`;
    // Run the accept twice, as the text after the block describes.
    const accept = lines.findIndex((l) => l.includes('/accept'));
    expect(accept).toBeGreaterThan(0);
    const script = ['set -e', ...lines, ...lines.slice(accept - 1, accept + 2)]
      .filter((l) => !l.startsWith('#'))
      .join('\n');
    const { stdout } = await run('bash', ['-c', script], { timeout: 60_000 });
    expect(stdout).toContain('Brick Lane Bakery');
    expect(stdout).toContain('"ref":"BOX-S-200"');
    const created = /"status":"created","orderNumber":"(SOALD01\d{7})","replayed":false/.exec(stdout);
    expect(created).not.toBeNull();
    expect(stdout).toContain(`"orderNumber":"${created![1]}","replayed":true`);
    // The README names the number the demo gives.
    expect(README).toContain(`"orderNumber":"${created![1]}"`);
  });
});
