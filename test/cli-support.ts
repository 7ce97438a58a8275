// Runs the real `x3bridge` binary (bin/x3bridge.js → dist/cli/main.js) as a child process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/x3bridge.js', import.meta.url));
const ENTRY = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** CLI tests run the compiled command; say how to get it rather than failing obscurely. */
export function requireBuild(): void {
  if (!existsSync(ENTRY)) {
    throw new Error(
      `dist/cli/main.js is missing: run \`npm run build:server\` (npm test builds first) before the CLI tests.`,
    );
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: only what the command needs, so the machine's variables do not leak in. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LOG_LEVEL: 'warn' };
  if (process.env.HOME) base.HOME = process.env.HOME;
  return { ...base, ...extra };
}

export function startCli(
  args: string[],
  env: Record<string, string> = cliEnv(),
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs `x3bridge <args>` to completion and collects what it printed. */
export function runCli(args: string[], env: Record<string, string> = cliEnv()): Promise<CliResult> {
  requireBuild();
  const child = startCli(args, env);
  child.stdin.end();
  return collect(child);
}

/** Runs any program to completion (say `script`, to give the CLI a terminal). */
export function run(program: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(program, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  return collect(child);
}

export function collect(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** Resolves with the output so far once it matches; rejects if the process ends first. */
export function waitForOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<string> {
  let text = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      text += b.toString('utf8');
      if (pattern.test(text)) {
        child.stdout.off('data', onData);
        child.off('close', onClose);
        resolve(text);
      }
    };
    const onClose = (code: number | null) =>
      reject(new Error(`the command ended (exit ${code}) before printing ${pattern}; it printed:\n${text}`));
    child.stdout.on('data', onData);
    child.once('close', onClose);
  });
}
