import type { Writable } from 'node:stream';
import { ConfigError, loadConfig, type AppConfig } from '../config.js';
import type { Connection } from '../connections/index.js';
import { findConnection } from '../connections/connection.repository.js';
import { DataDirLockedError, openStore, type Db, type Store } from '../db/index.js';
import { listEnvironments } from '../environments/index.js';
import { findEnvironmentByName } from '../environments/environment.repository.js';
import { ApiError } from '../http/errors.js';
import { X3Error } from '../x3/errors.js';

/** Exit codes of every command (docs/cli.md lists them). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A failure the user can act on: its message is printed as is, without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** Where a command reads its environment and writes; tests and the entry point pass their own. */
export interface CliStreams {
  env?: Record<string, string | undefined>;
  stdout?: Writable;
  stderr?: Writable;
}

export function stdoutOf(io: CliStreams): Writable {
  return io.stdout ?? process.stdout;
}

export function stderrOf(io: CliStreams): Writable {
  return io.stderr ?? process.stderr;
}

/** Writes and waits for the stream to drain when its buffer is full, so memory stays flat. */
export async function writeChunk(stream: Writable, text: string): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', onDrain);
      stream.off('error', done);
      stream.off('close', onDrain);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    stream.once('drain', onDrain);
    stream.once('error', done);
    stream.once('close', onDrain);
  });
}

/** Loads the configuration; a bad variable becomes one plain message naming every one. */
export function configFrom(io: CliStreams): AppConfig {
  return loadConfig(io.env);
}

/** Terminal niceties (progress bars) only on an interactive terminal and never in CI. */
export function isInteractive(stream: Writable, config: AppConfig): boolean {
  // `ci` is read from CI by config when present there; absent, a pipe already says enough.
  const ci = config.ci === true;
  return (stream as Writable & { isTTY?: boolean }).isTTY === true && !ci;
}

/**
 * What a running server offers instead of the store: an HTTP call (shown as curl), or the same
 * command run against its API (`command(url)` gives the command line).
 */
export type OverHttp = { method?: 'POST'; path: string } | { command: (url: string) => string };

function lockedMessage(err: DataDirLockedError, command: string, http: OverHttp | undefined): string {
  const url = err.owner.url ?? 'http://127.0.0.1:3000';
  const lines = [
    `\`${command}\` cannot open the embedded database in ${err.dataDir}: another x3bridge process holds it ` +
      `(${err.owner.command}${err.owner.url ? ` at ${err.owner.url}` : ''}, pid ${err.owner.pid}).`,
    'An embedded database has a single owner. To proceed, either:',
    '  - stop that process and run the command again;',
    '  - or run every x3bridge process against one Postgres server: set DATABASE_URL=postgres://…',
  ];
  // Only where the running server offers the same thing over HTTP.
  if (http && 'command' in http) {
    lines[lines.length - 1] += ';';
    lines.push(
      "  - or read through the running server's HTTP API (your other options stay as they are):",
      `      ${http.command(url)}`,
    );
  } else if (http) {
    lines[lines.length - 1] += ';';
    const method = http.method ? `-X ${http.method} ` : '';
    lines.push(
      '  - or ask the running server over its HTTP API, e.g.',
      `      curl ${method}-H "Authorization: Bearer $X3BRIDGE_API_KEY" ${url}${http.path}`,
    );
  }
  return lines.join('\n');
}

const DATABASE_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'nothing answers at that address and port',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the server closed the connection',
  '28P01': 'the password was refused',
  '28000': 'the user is not allowed to connect',
  '3D000': 'the database does not exist',
};

/** A plain reason why the Postgres server could not be used; the URL is shown without credentials. */
function databaseProblem(err: unknown, url: string): string | null {
  const codes: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    // AggregateError (IPv4 and IPv6 both refused) carries the per-address errors.
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner)) for (const i of inner) codes.push(String((i as { code?: unknown }).code));
    e = (e as { cause?: unknown }).cause;
  }
  const reason = codes.map((c) => DATABASE_PROBLEMS[c]).find(Boolean);
  if (!reason) return null;
  let where = 'the database in DATABASE_URL';
  try {
    const u = new URL(url);
    where = `the Postgres database ${u.pathname.slice(1) || '(default)'} at ${u.hostname}:${u.port || '5432'}`;
  } catch {
    // Already checked by the configuration; keep the generic words.
  }
  return `cannot open ${where}: ${reason}. Check DATABASE_URL and that the server is running.`;
}

/**
 * Opens the configured store for an admin command (migrations included) and closes it after
 * `fn`, since an open PGlite keeps the process alive. A data folder held by a running server
 * becomes a CliError saying how to proceed.
 */
export async function withStore<T>(
  config: AppConfig,
  command: string,
  fn: (store: Store) => Promise<T>,
  opts: { migrate?: boolean; http?: OverHttp } = {},
): Promise<T> {
  let store: Store;
  try {
    store = await openStore(config, {
      command,
      ...(opts.migrate === undefined ? {} : { migrate: opts.migrate }),
    });
  } catch (err) {
    if (err instanceof DataDirLockedError) throw new CliError(lockedMessage(err, command, opts.http));
    const unreachable = config.databaseUrl ? databaseProblem(err, config.databaseUrl) : null;
    if (unreachable) throw new CliError(unreachable, EXIT.failed, err);
    throw err;
  }
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export interface EnvironmentRef {
  id: string;
  name: string;
}

/** The environments a command looks in: the one named, or every one. */
export async function environmentsFor(db: Db, name: string | undefined): Promise<EnvironmentRef[]> {
  if (name === undefined) return (await listEnvironments(db)).map((e) => ({ id: e.id, name: e.name }));
  const found = await findEnvironmentByName(db, name.trim());
  if (!found) throw new CliError(`there is no environment named "${name}".`);
  return [{ id: found.id, name: found.name }];
}

/** Finds a connection by id in the named environment, or in any. */
export async function findConnectionIn(
  db: Db,
  connectionId: string,
  environmentName: string | undefined,
): Promise<{ connection: Connection; environment: EnvironmentRef }> {
  for (const environment of await environmentsFor(db, environmentName)) {
    const connection = await findConnection(db, environment.id, connectionId);
    if (connection) return { connection, environment };
  }
  const where = environmentName === undefined ? '' : ` in environment "${environmentName}"`;
  throw new CliError(
    `there is no connection ${connectionId}${where}. List them with: x3bridge connections list`,
  );
}

const X3_WORDS: Record<string, string> = {
  x3_unreachable: 'X3 could not be reached',
  x3_auth_failed: 'X3 refused the connection’s credentials',
  x3_folder_not_found: 'the X3 folder does not exist on that server',
  x3_permission_denied: 'the X3 user behind the connection is not allowed to read this',
  not_found: 'X3 has no such record',
  x3_rejected: 'X3 rejected the request',
  x3_unavailable: 'X3 is busy or failing and did not answer after retries',
  outcome_uncertain: 'the outcome of the X3 call is unknown',
  invalid_input: 'the request was refused before it reached X3',
};

/** One plain line (or a few) for an error; the stack only when debugging. */
export function describeError(err: unknown, debug: boolean): string {
  if (err instanceof CliError) {
    const cause = err.cause instanceof Error ? err.cause.stack : undefined;
    return debug && cause ? `${err.message}\n${cause}` : err.message;
  }
  if (err instanceof ConfigError) return err.message;
  if (err instanceof DataDirLockedError) return lockedMessage(err, 'x3bridge', undefined);
  let text: string;
  if (err instanceof X3Error) {
    const diagnoses = (err as X3Error & { diagnoses?: Array<{ message: string }> }).diagnoses ?? [];
    const issues = (err as X3Error & { issues?: string[] }).issues ?? [];
    const extra = [...diagnoses.map((d) => d.message), ...issues].filter(Boolean);
    text = `${X3_WORDS[err.code] ?? 'the X3 call failed'}: ${err.message}${extra.length ? ` (${extra.join('; ')})` : ''}`;
  } else if (err instanceof ApiError) {
    text = err.message;
  } else if (err instanceof Error) {
    text = err.message || err.name;
  } else {
    text = String(err);
  }
  if (debug && err instanceof Error && err.stack) return `${text}\n${err.stack}`;
  return text;
}

/** `--debug`, or LOG_LEVEL=debug/trace in the configuration. */
export function debugWanted(flag: boolean | undefined, io: CliStreams = {}): boolean {
  if (flag) return true;
  try {
    const level = loadConfig(io.env).logLevel;
    return level === 'debug' || level === 'trace';
  } catch {
    return false;
  }
}
