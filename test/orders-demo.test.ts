import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/cli/demo.command.js';
import { CliError } from '../src/cli/shared.js';

function capture() {
  let text = '';
  return { stdout: { write: (s: string) => (text += s) }, text: () => text };
}

describe('x3bridge demo', () => {
  it('runs the Aldgate flow end to end, printing each step with its timing, and leaves nothing behind', async () => {
    const io = capture();
    const { orderNumber } = await runDemo({ env: {}, stdout: io.stdout });
    const text = io.text();
    expect(orderNumber).toMatch(/^SOALD01\d{7}$/);
    for (const title of [
      'X3 simulator started',
      'Embedded store opened',
      'Aldgate connected through the wizard',
      'Items and customers read from X3',
      'Codes mapped by suggestion',
      'accepted',
      `Order ${orderNumber} as X3 has it`,
    ]) {
      expect(text).toMatch(new RegExp(`✓ [^\\n]*${title}[^\\n]* \\(\\d+ ms\\)`));
    }
    expect(text).toMatch(/ok {3}token \d+ ms/);
    expect(text).toMatch(/ok {3}test_read \d+ ms/);
    expect(text).toMatch(/1000 items \(ITMMASTER\), 100 customers \(BPCUSTOMER\)/);
    expect(text).toContain('box_m_400 → BOX-M-400');
    expect(text).toContain('ACC-1001 → C0001');
    expect(text).toMatch(/line 1000: BOX-S-200 × 500 /);
    expect(text).toMatch(/line 2000: TAPE-48-BRN × 12 /);
    // Never a credential on screen.
    expect(text).not.toContain('aldgate-demo-secret');
    const dir = /temporary data folder (\S+)/.exec(text)?.[1];
    expect(dir).toBeTruthy();
    expect(existsSync(dir!)).toBe(false);
  });

  it('fails with one plain line naming the step', async () => {
    const io = capture();
    const failure = await runDemo({ env: { X3BRIDGE_PORT: 'not-a-port' }, stdout: io.stdout }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(CliError);
    const err = failure as CliError;
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/^demo failed at "Embedded store opened": .*X3BRIDGE_PORT/);
    expect(err.message).not.toContain('\n');
  });
});
