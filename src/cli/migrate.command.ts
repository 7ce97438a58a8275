import type { Command } from 'commander';
import { loadConfig, type AppConfig } from '../config.js';
import { migrateToLatest, type Store } from '../db/index.js';
import { withStore } from './shared.js';

/** Where a command reads its environment and writes its output (tests pass their own). */
export interface CliIo {
  env?: Record<string, string | undefined>;
  stdout?: { write(text: string): unknown };
}

export function out(io: CliIo): (line: string) => void {
  const stream = io.stdout ?? process.stdout;
  return (line) => void stream.write(`${line}\n`);
}

/**
 * Runs an admin command on the store, then closes it (an open PGlite keeps the process alive).
 * Beside a running embedded server the data folder's lock refuses the open, and its message
 * says which process holds it and how to proceed.
 */
/** Opens the store for an admin command and always closes it (see withStore). */
export async function withAdminStore<T>(
  config: AppConfig,
  command: string,
  fn: (store: Store) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  return withStore(config, command, fn, opts);
}

export function registerMigrateCommand(program: Command, io: CliIo = {}): void {
  program
    .command('migrate')
    .description('Bring the database schema up to date, then exit (serve also does this at start).')
    .action(async () => {
      const print = out(io);
      const config = loadConfig(io.env);
      const results = await withAdminStore(config, 'x3bridge migrate', (store) => migrateToLatest(store.db), {
        migrate: false,
      });
      const where = config.databaseUrl
        ? 'the Postgres database'
        : `the embedded database in ${config.dataDir}`;
      if (results.length === 0) print(`${where} is up to date; nothing to migrate.`);
      for (const r of results) print(`applied ${r.migrationName}`);
      if (results.length > 0) print(`${results.length} migration(s) applied to ${where}.`);
    });
}
