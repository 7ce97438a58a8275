import type { Command } from 'commander';
import type { AppConfig } from '../config.js';
import {
  connectionService,
  createConnectionClients,
  createX3Access,
  type CheckStep,
  type Connection,
} from '../connections/index.js';
import { formatConnection } from '../connections/connection.formatter.js';
import { listConnections } from '../connections/connection.repository.js';
import type { Db } from '../db/index.js';
import { createLogger } from '../observability/index.js';
import { createVault } from '../secrets/index.js';
import { emitStatusChanged } from '../connections/connection.events.js';
import {
  CliError,
  configFrom,
  debugWanted,
  environmentsFor,
  findConnectionIn,
  stdoutOf,
  stderrOf,
  withStore,
  writeChunk,
  type CliStreams,
  type EnvironmentRef,
} from './shared.js';

const PAGE = 200;

async function* connectionsOf(db: Db, environment: EnvironmentRef): AsyncGenerator<Connection> {
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const rows = await listConnections(db, environment.id, PAGE, after);
    yield* rows;
    const last = rows[rows.length - 1];
    if (rows.length < PAGE || !last) return;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

function cell(value: string, width: number): string {
  const text = value.length > width ? `${value.slice(0, width - 1)}…` : value;
  return text.padEnd(width);
}

/** A plain table sized to its contents (long names and URLs are cut, never wrapped). */
export function renderTable(header: string[], rows: string[][], maxWidths: number[] = []): string {
  const widths = header.map((h, i) =>
    Math.min(maxWidths[i] ?? 60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))),
  );
  const line = (r: string[]) =>
    r
      .map((v, i) => cell(v, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function when(d: Date | null): string {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : 'never';
}

async function listCommand(io: CliStreams, opts: { environment?: string; json?: boolean }): Promise<void> {
  const config = configFrom(io);
  const out = stdoutOf(io);
  await withStore(
    config,
    'x3bridge connections list',
    async (store) => {
      const environments = await environmentsFor(store.db, opts.environment);
      if (opts.json) {
        // One JSON array, written record by record so a large list never sits in memory twice.
        await writeChunk(out, '[');
        let first = true;
        for (const environment of environments) {
          for await (const c of connectionsOf(store.db, environment)) {
            const shown = { ...formatConnection(c), environment: environment.name };
            await writeChunk(out, `${first ? '\n' : ',\n'}  ${JSON.stringify(shown)}`);
            first = false;
          }
        }
        await writeChunk(out, first ? ']\n' : '\n]\n');
        return;
      }
      const rows: string[][] = [];
      for (const environment of environments) {
        for await (const c of connectionsOf(store.db, environment)) {
          rows.push([
            c.id,
            environment.name,
            c.name,
            c.folder,
            c.status,
            `${c.authType} ${c.clientIdHint}`,
            c.baseUrl,
            when(c.lastCheckedAt),
          ]);
        }
      }
      if (rows.length === 0) {
        const scope = opts.environment === undefined ? '' : ` in environment "${opts.environment}"`;
        await writeChunk(
          out,
          `No connections${scope}. Create one with POST /v1/connections or in the admin UI.\n`,
        );
        return;
      }
      await writeChunk(
        out,
        renderTable(
          ['ID', 'ENVIRONMENT', 'NAME', 'FOLDER', 'STATUS', 'AUTH', 'BASE URL', 'LAST CHECKED'],
          rows,
          [40, 20, 32, 12, 18, 36, 48, 20],
        ),
      );
    },
    { http: { path: '/v1/connections' } },
  );
}

function stepLine(step: CheckStep): string {
  const mark = step.ok ? 'ok    ' : 'FAILED';
  const label = step.step === 'token' ? 'token      ' : 'test read  ';
  const ms = `${step.ms} ms`.padStart(8);
  return `  ${mark} ${label}${ms}${step.message ? `  ${step.message}` : ''}`;
}

function serviceDeps(
  config: AppConfig,
  db: Db,
  vault: Awaited<ReturnType<typeof createVault>>,
  debug: boolean,
  io: CliStreams,
): connectionService.ConnectionServiceDeps {
  const access = createX3Access(config);
  const log = createLogger({ level: debug ? 'debug' : 'warn', stream: stderrOf(io) });
  return {
    db,
    vault,
    access,
    clients: createConnectionClients({ db, vault, access }),
    log,
    // The same event the HTTP check records; the server's webhook sweep delivers it.
    onStatusChange: emitStatusChanged,
  };
}

async function checkCommand(
  io: CliStreams,
  id: string,
  opts: { environment?: string; json?: boolean; debug?: boolean },
): Promise<void> {
  const config = configFrom(io);
  const out = stdoutOf(io);
  const debug = debugWanted(opts.debug, io);
  const failed = await withStore(
    config,
    'x3bridge connections check',
    async (store) => {
      const { connection, environment } = await findConnectionIn(store.db, id, opts.environment);
      const vault = await createVault(config);
      const deps = serviceDeps(config, store.db, vault, debug, io);
      if (!opts.json) {
        await writeChunk(
          out,
          `Checking ${connection.id} "${connection.name}" (environment ${environment.name}): ` +
            `folder ${connection.folder} at ${connection.baseUrl}\n`,
        );
      }
      const { connection: after, checks } = await connectionService.recheckConnection(
        deps,
        { environmentId: environment.id, actor: 'cli' },
        connection.id,
      );
      if (opts.json) {
        await writeChunk(
          out,
          JSON.stringify(
            { id: after.id, status: after.status, checks, connection: formatConnection(after) },
            null,
            2,
          ) + '\n',
        );
      } else {
        const lines = checks.map(stepLine);
        const changed = after.status !== connection.status ? ` (was ${connection.status})` : '';
        lines.push(`Status: ${after.status}${changed}`);
        if (after.lastError?.fix) lines.push(`Fix: ${after.lastError.fix}`);
        await writeChunk(out, lines.join('\n') + '\n');
      }
      return checks.some((c) => !c.ok);
    },
    { http: { method: 'POST', path: `/v1/connections/${encodeURIComponent(id)}/check` } },
  );
  if (failed) throw new CliError(`connection ${id} failed its health check.`);
}

export function registerConnectionsCommand(program: Command, io: CliStreams = {}): void {
  const connections = program
    .command('connections')
    .description('Inspect and health-check the stored X3 connections (never shows a secret).');

  connections
    .command('list')
    .description('List connections: a table on a terminal, JSON with --json.')
    .option('-e, --environment <name>', 'only this environment (default: every environment)')
    .option('--json', 'print a JSON array (the API shape plus the environment name)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ x3bridge connections list\n  $ x3bridge connections list --environment production --json',
    )
    .action((opts: { environment?: string; json?: boolean }) => listCommand(io, opts));

  connections
    .command('check')
    .description(
      'Run the health check (token, then one customer read), record the status, print each step. ' +
        'Exits 1 when the check fails.',
    )
    .argument('<id>', 'the connection id (con_…)')
    .option('-e, --environment <name>', 'look only in this environment (default: every environment)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ x3bridge connections check con_2x8…\n  $ x3bridge connections check con_2x8… --json || echo "unhealthy"',
    )
    .action((id: string, opts: { environment?: string; json?: boolean }, cmd: Command) =>
      checkCommand(io, id, { ...opts, debug: cmd.optsWithGlobals<{ debug?: boolean }>().debug }),
    );
}
