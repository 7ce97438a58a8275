#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerConnectionsCommand } from './connections.command.js';
import { registerDemoCommand } from './demo.command.js';
import { registerExportCommand } from './export.command.js';
import { registerKeysCommand } from './keys.command.js';
import { registerMigrateCommand } from './migrate.command.js';
import { registerServeCommand } from './serve.command.js';
import { CliError, EXIT, debugWanted, describeError } from './shared.js';
import { registerSimulatorCommand } from './simulator.command.js';

/**
 * The x3bridge command line. Each command lives in its own module; this file only assembles
 * them and turns outcomes into exit codes: 0 success, 1 failure (one plain line says why),
 * 2 bad usage (with the usage).
 */

function packageVersion(): string {
  try {
    // src/cli and dist/cli both sit two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function flushAndExit(code: number): void {
  // Exit explicitly once output is flushed: a command that finished must not linger on an
  // idle socket, and an exit must not cut off what was written to a pipe.
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

// `x3bridge export … | head` closes the pipe early: that ends the command quietly, not with a trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.ok);
  throw err;
});

const program = new Command();
program
  .name('x3bridge')
  .description('Connect Sage X3 tenants: HTTP API server, X3 simulator, demo and admin commands.')
  .version(packageVersion(), '-V, --version')
  .option('--debug', 'on failure, print the stack trace too (also with LOG_LEVEL=debug)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride((err) => {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(EXIT.ok);
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  })
  .addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  $ x3bridge serve --demo                 the server, with a simulated Aldgate X3 tenant',
      '  $ x3bridge simulator --port 8124        the X3 simulator alone',
      '  $ x3bridge keys create --environment production',
      '  $ x3bridge connections list',
      '  $ x3bridge export items --connection con_2x8… --format csv --out items.csv',
      '',
      'Environment: X3BRIDGE_DATA_DIR (default ./.x3bridge), DATABASE_URL, X3BRIDGE_MASTER_KEYS,',
      'X3BRIDGE_ALLOW_PRIVATE_HOSTS, X3BRIDGE_PORT, LOG_LEVEL. Details: docs/cli.md.',
      'Exit codes: 0 success, 1 failure, 2 bad usage.',
    ].join('\n'),
  );

// Errors thrown before any action ran come from parsing the command line: usage errors.
let acting = false;
program.hook('preAction', () => {
  acting = true;
});

registerServeCommand(program);
registerSimulatorCommand(program);
registerMigrateCommand(program);
registerKeysCommand(program);
registerConnectionsCommand(program);
registerExportCommand(program);
registerDemoCommand(program);

program.parseAsync(process.argv).then(
  () => flushAndExit(EXIT.ok),
  (err: unknown) => {
    const usage = err instanceof CommanderError || (!acting && !(err instanceof CliError));
    const code = err instanceof CliError ? err.exitCode : usage ? EXIT.usage : EXIT.failed;
    const debug = debugWanted(program.opts<{ debug?: boolean }>().debug);
    process.stderr.write(`x3bridge: ${describeError(err, debug)}\n`);
    if (code === EXIT.usage) process.stderr.write('(run with --help for usage)\n');
    flushAndExit(code);
  },
);
