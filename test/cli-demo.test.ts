import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, requireBuild, runCli } from './cli-support.js';

const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('x3bridge demo', () => {
  it('runs the Aldgate flow and ends with the X3 order number', async () => {
    requireBuild();
    const dataDir = mkdtempSync(join(tmpdir(), 'x3b-demo-'));
    dirs.push(dataDir);
    const r = await runCli(['demo'], cliEnv({ X3BRIDGE_DATA_DIR: dataDir }));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    // Order numbers are SO + site + 7 digits (docs/x3-objects.md).
    expect(r.stdout).toMatch(/SO[A-Z0-9]+\d{7}/);
  });

  it('is listed in the help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}demo\b/m);
  });
});
