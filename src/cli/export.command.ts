import { createWriteStream, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createConnectionClients, createX3Access } from '../connections/index.js';
import { createVault } from '../secrets/index.js';
import type { AppConfig } from '../config.js';
import type { X3Client } from '../x3/index.js';
import { EXPORT_FORMATS, formatterFor, type ExportFormat } from './export.format.js';
import {
  CliError,
  EXIT,
  configFrom,
  describeError,
  findConnectionIn,
  isInteractive,
  stderrOf,
  stdoutOf,
  withStore,
  writeChunk,
  type CliStreams,
} from './shared.js';

type ClientResource =
  | 'customers'
  | 'items'
  | 'salesOrders'
  | 'purchaseOrders'
  | 'supplierInvoices'
  | 'journalEntries'
  | 'accountBalances'
  | 'deliveries';

/** The command-line filters, by the client's filter names. */
type FilterName =
  | 'updatedSince'
  | 'from'
  | 'to'
  | 'customer'
  | 'supplier'
  | 'site'
  | 'search'
  | 'country'
  | 'salesOrder'
  | 'customerOrderReference'
  | 'company'
  | 'account'
  | 'journal'
  | 'type'
  | 'fiscalYear'
  | 'ledgerType'
  | 'withStock';

interface ResourceSpec {
  client: ClientResource;
  filters: readonly FilterName[];
}

/** The resources of API.md, by their URL names, with the filters X3 can apply to each. */
export const EXPORT_RESOURCES: Record<string, ResourceSpec> = {
  customers: { client: 'customers', filters: ['updatedSince', 'search', 'country'] },
  items: { client: 'items', filters: ['updatedSince', 'search', 'withStock', 'site'] },
  'sales-orders': {
    client: 'salesOrders',
    filters: ['updatedSince', 'from', 'to', 'customer', 'site', 'customerOrderReference', 'search'],
  },
  'purchase-orders': {
    client: 'purchaseOrders',
    filters: ['updatedSince', 'from', 'to', 'supplier', 'site', 'search'],
  },
  'supplier-invoices': {
    client: 'supplierInvoices',
    filters: ['updatedSince', 'from', 'to', 'supplier', 'site', 'search'],
  },
  'journal-entries': {
    client: 'journalEntries',
    filters: ['updatedSince', 'from', 'to', 'site', 'company', 'journal', 'type', 'search'],
  },
  'account-balances': {
    client: 'accountBalances',
    filters: ['fiscalYear', 'company', 'account', 'site', 'ledgerType'],
  },
  deliveries: {
    client: 'deliveries',
    filters: ['updatedSince', 'from', 'to', 'customer', 'site', 'salesOrder', 'search'],
  },
};

/** The flag that sets each filter. */
const FLAG: Record<FilterName, string> = {
  updatedSince: '--updated-since',
  from: '--from',
  to: '--to',
  customer: '--customer',
  supplier: '--supplier',
  site: '--site',
  search: '--search',
  country: '--country',
  salesOrder: '--sales-order',
  customerOrderReference: '--customer-order-reference',
  company: '--company',
  account: '--account',
  journal: '--journal',
  type: '--type',
  fiscalYear: '--fiscal-year',
  ledgerType: '--ledger-type',
  withStock: '--with-stock',
};

function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new InvalidArgumentError('a date as YYYY-MM-DD, e.g. 2026-01-31');
  return value;
}

function timestamp(value: string): string {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value))
    throw new InvalidArgumentError('a date or ISO timestamp, e.g. 2026-01-31 or 2026-01-31T08:00:00Z');
  return d.toISOString();
}

function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max)
      throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
    return n;
  };
}

function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('a non-empty value');
  return value.trim();
}

export interface ExportOptions extends Partial<Record<FilterName, string | number | boolean>> {
  connection: string;
  environment?: string;
  format: ExportFormat;
  out?: string;
  limit?: number;
  pageSize: number;
  raw?: boolean;
  progress: boolean;
  quiet?: boolean;
  /** A running server's URL: read through its HTTP API rather than the store. */
  api?: string;
  apiKey?: string;
}

/** The client filters from the flags; a flag the resource cannot filter on is a usage error. */
export function filtersFor(resource: string, opts: ExportOptions): Record<string, unknown> {
  const spec = EXPORT_RESOURCES[resource];
  if (!spec) {
    throw new CliError(
      `unknown resource "${resource}"; choose one of ${Object.keys(EXPORT_RESOURCES).join(', ')}.`,
      EXIT.usage,
    );
  }
  const filters: Record<string, unknown> = {};
  for (const name of Object.keys(FLAG) as FilterName[]) {
    const value = opts[name];
    if (value === undefined) continue;
    if (!spec.filters.includes(name)) {
      throw new CliError(
        `${FLAG[name]} does not apply to ${resource}; its filters are ${spec.filters.map((f) => FLAG[f]).join(', ')}.`,
        EXIT.usage,
      );
    }
    filters[name] = value;
  }
  // Items carry stock only on request, and a site only narrows that stock.
  if (resource === 'items' && filters.site !== undefined) filters.withStock = true;
  return filters;
}

interface Sink {
  stream: Writable;
  /** Makes the output final (a file appears under its name only when complete). */
  commit(): Promise<void>;
  abandon(): Promise<void>;
  label: string;
}

function isRegularFileOrMissing(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

function closeStream(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/** Opens a file now, so a bad path fails before any X3 call, with the reason in plain words. */
function openFile(path: string, shownAs: string): Writable {
  let fd: number;
  try {
    fd = openSync(path, 'w', 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : ((err as Error).message ?? String(err));
    throw new CliError(`cannot write ${shownAs}: ${why}.`);
  }
  return createWriteStream('', { fd });
}

function openSink(out: string | undefined, io: CliStreams): Sink {
  if (out === undefined || out === '-') {
    const stream = stdoutOf(io);
    return { stream, commit: async () => {}, abandon: async () => {}, label: 'standard output' };
  }
  if (!isRegularFileOrMissing(out)) {
    // A device or pipe (/dev/null, a FIFO) cannot be swapped in by rename: write straight to it.
    const stream = openFile(out, out);
    return { stream, commit: () => closeStream(stream), abandon: () => closeStream(stream), label: out };
  }
  const partial = join(dirname(out), `.${basename(out)}.partial`);
  const stream = openFile(partial, out);
  return {
    stream,
    label: out,
    async commit() {
      await closeStream(stream);
      renameSync(partial, out);
    },
    async abandon() {
      await closeStream(stream).catch(() => undefined);
      try {
        unlinkSync(partial);
      } catch {
        // Never created, or already gone.
      }
    },
  };
}

function createProgress(stream: Writable, total: number | null): SingleBar {
  const format =
    total === null
      ? '{value} records | {rate} records/s | {duration_formatted}'
      : '[{bar}] {percentage}% | {value}/{total} records | {rate} records/s | ETA {eta_formatted}';
  return new SingleBar({
    format,
    stream: stream as NodeJS.WritableStream,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
    fps: 5,
  });
}

type Listable = { list(filters: object): AsyncIterable<object> };

/** The records straight from X3, through the connection's client. */
function clientRecords(
  client: X3Client,
  resource: string,
  filters: Record<string, unknown>,
  opts: ExportOptions,
): AsyncIterable<object> {
  const target = client[EXPORT_RESOURCES[resource]!.client] as unknown as Listable;
  return target.list({
    ...filters,
    pageSize: opts.pageSize,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
  });
}

/** The largest page the HTTP API serves. */
const API_PAGE = 500;

/** The API's query parameters for the filters; the ones it has no parameter for are usage errors. */
function apiQueryFor(resource: string, filters: Record<string, unknown>): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (resource === 'items' && name === 'withStock') {
      if (filters.site === undefined) {
        throw new CliError(
          '--with-stock without --site is not available with --api: the HTTP API adds stock for one site (--site CODE).',
          EXIT.usage,
        );
      }
      continue;
    }
    if (resource === 'customers' && name === 'country') {
      throw new CliError(
        '--country is not available with --api: the HTTP API has no country filter.',
        EXIT.usage,
      );
    }
    query.set(name, String(value));
  }
  return query;
}

/** One plain line for an answer other than 200, from the API's `{ error: { code, message } }`. */
async function apiFailure(res: Response, base: string): Promise<CliError> {
  let code: string | undefined;
  let message: string | undefined;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not the API's error body: said below by status alone.
  }
  if (res.status === 401) {
    return new CliError(
      `the x3bridge server at ${base} refused the API key (401): check --api-key or X3BRIDGE_API_KEY.`,
    );
  }
  if (message === undefined) {
    return new CliError(`the server at ${base} answered HTTP ${res.status}, not as an x3bridge API would.`);
  }
  return new CliError(`${message} (${code ?? 'error'}, HTTP ${res.status})`);
}

function unreachable(err: unknown, base: string): CliError {
  const code = (err as { cause?: { code?: unknown } }).cause?.code;
  const why =
    code === 'ECONNREFUSED'
      ? 'nothing answers there'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'the host name does not resolve'
        : ((err as { cause?: Error }).cause?.message ?? (err as Error).message ?? String(err));
  return new CliError(`cannot reach the x3bridge server at ${base}: ${why}.`, EXIT.failed, err);
}

/**
 * The records through a running server's HTTP API, one page in memory at a time: pages of
 * `limit` records, following `nextCursor` with the same filters until it is null.
 */
async function* apiRecords(
  base: string,
  apiKey: string,
  resource: string,
  query: URLSearchParams,
  opts: ExportOptions,
  pageSize: number,
): AsyncGenerator<object> {
  const path = `${base}/v1/connections/${encodeURIComponent(opts.connection)}/${resource}`;
  let cursor: string | null = null;
  let left = opts.limit ?? Number.POSITIVE_INFINITY;
  do {
    const params = new URLSearchParams(query);
    params.set('limit', String(Math.min(pageSize, left)));
    if (cursor !== null) params.set('cursor', cursor);
    if (opts.raw) params.set('include', 'raw');
    let res: Response;
    try {
      res = await fetch(`${path}?${params}`, {
        headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
      });
    } catch (err) {
      throw unreachable(err, base);
    }
    if (res.status !== 200) throw await apiFailure(res, base);
    let page: { data?: unknown; nextCursor?: unknown };
    try {
      page = (await res.json()) as typeof page;
    } catch (err) {
      throw new CliError(`the server at ${base} answered with a page that is not JSON.`, EXIT.failed, err);
    }
    if (!Array.isArray(page.data)) {
      throw new CliError(`the server at ${base} answered without a list of records.`);
    }
    for (const record of page.data as object[]) {
      if (left <= 0) return;
      yield record;
      left -= 1;
    }
    cursor = typeof page.nextCursor === 'string' ? page.nextCursor : null;
  } while (cursor !== null && left > 0);
}

async function streamRecords(
  records: AsyncIterable<object>,
  resource: string,
  opts: ExportOptions,
  io: CliStreams,
  interactive: boolean,
): Promise<{ count: number; ms: number; label: string }> {
  const formatter = formatterFor(opts.format, { raw: opts.raw === true });
  const sink = openSink(opts.out, io);
  // A write that fails later (disk full) surfaces here rather than as an unhandled event.
  let writeError: Error | null = null;
  const onError = (err: Error) => {
    writeError ??= err;
  };
  if (sink.stream !== stdoutOf(io)) sink.stream.on('error', onError);
  const total = opts.limit ?? null;
  const bar = interactive && opts.progress ? createProgress(stderrOf(io), total) : null;
  const started = performance.now();
  let count = 0;
  const rate = () => Math.round(count / Math.max(0.001, (performance.now() - started) / 1000));
  bar?.start(total ?? 0, 0, { rate: 0 });
  try {
    for await (const record of records) {
      if (writeError) throw writeError;
      await writeChunk(sink.stream, formatter.format(record));
      count += 1;
      if (bar && count % 50 === 0) bar.update(count, { rate: rate() });
    }
    bar?.update(count, { rate: rate() });
    bar?.stop();
    await sink.commit();
  } catch (err) {
    bar?.stop();
    await sink.abandon();
    const kept = sink.label === 'standard output' ? ` after ${count} record(s)` : '; no file was written';
    throw new CliError(`export of ${resource} failed${kept}: ${describeError(err, false)}`, EXIT.failed, err);
  }
  return { count, ms: performance.now() - started, label: sink.label };
}

async function report(
  result: { count: number; ms: number; label: string },
  resource: string,
  opts: ExportOptions,
  io: CliStreams,
): Promise<void> {
  if (opts.quiet) return;
  const seconds = (result.ms / 1000).toFixed(1);
  await writeChunk(
    stderrOf(io),
    `Exported ${result.count} record(s) of ${resource} as ${opts.format} to ${result.label} in ${seconds} s.\n`,
  );
}

/** `export … --api URL`: the same records through a running server, without opening the store. */
async function exportOverApi(
  resource: string,
  opts: ExportOptions,
  io: CliStreams,
  config: AppConfig,
  pageSizeGiven: boolean,
): Promise<void> {
  const filters = filtersFor(resource, opts);
  const query = apiQueryFor(resource, filters);
  const url = (opts.api ?? config.apiUrl)!;
  if (!/^https?:\/\/[^\s]+$/.test(url)) {
    throw new CliError(
      `--api needs the server's http:// or https:// URL, e.g. http://127.0.0.1:3000.`,
      EXIT.usage,
    );
  }
  const apiKey = opts.apiKey ?? config.apiKey;
  if (!apiKey) {
    throw new CliError('--api needs an API key: --api-key KEY or X3BRIDGE_API_KEY.', EXIT.usage);
  }
  if (opts.environment !== undefined) {
    throw new CliError(
      '--environment does not apply with --api: the API key decides the environment.',
      EXIT.usage,
    );
  }
  const base = url.replace(/\/+$/, '');
  const pageSize = pageSizeGiven ? Math.min(opts.pageSize, API_PAGE) : API_PAGE;
  const result = await streamRecords(
    apiRecords(base, apiKey, resource, query, opts, pageSize),
    resource,
    opts,
    io,
    isInteractive(stderrOf(io), config),
  );
  await report(result, resource, opts, io);
}

/** The export command line again, against the running server's HTTP API. */
function overApi(resource: string, opts: ExportOptions): (url: string) => string {
  return (url) =>
    `x3bridge export ${resource} --connection ${opts.connection} --api ${url} --api-key $X3BRIDGE_API_KEY`;
}

async function exportCommand(
  resource: string,
  opts: ExportOptions,
  io: CliStreams,
  pageSizeGiven: boolean,
): Promise<void> {
  const config = configFrom(io);
  if (opts.api !== undefined || config.apiUrl !== undefined) {
    return exportOverApi(resource, opts, io, config, pageSizeGiven);
  }
  const filters = filtersFor(resource, opts);
  const access = createX3Access(config);
  // The store is needed only to find the connection and open its secret: it is closed before
  // the records flow, so a long export does not hold the embedded database.
  let clients: ReturnType<typeof createConnectionClients> | null = null;
  const client = await withStore(
    config,
    'x3bridge export',
    async (store) => {
      const { connection, environment } = await findConnectionIn(store.db, opts.connection, opts.environment);
      const vault = await createVault(config);
      clients = createConnectionClients({ db: store.db, vault, access });
      return (await clients.get(environment.id, connection.id)).client;
    },
    { http: { command: overApi(resource, opts) } },
  );
  try {
    const result = await streamRecords(
      clientRecords(client, resource, filters, opts),
      resource,
      opts,
      io,
      isInteractive(stderrOf(io), config),
    );
    await report(result, resource, opts, io);
  } finally {
    await (clients as ReturnType<typeof createConnectionClients> | null)?.closeAll();
  }
}

export function registerExportCommand(program: Command, io: CliStreams = {}): void {
  program
    .command('export')
    .description('Stream every record of a resource from X3 as NDJSON or CSV, page after page.')
    .argument('<resource>', Object.keys(EXPORT_RESOURCES).join(' | '))
    .requiredOption('-c, --connection <id>', 'the connection id (con_…)')
    .option('-e, --environment <name>', 'look for the connection only in this environment')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices([...EXPORT_FORMATS]).default('ndjson'),
    )
    .option(
      '-o, --out <file>',
      'write to this file (written whole or not at all); - or none: standard output',
    )
    .option('--limit <n>', 'stop after n records', wholeNumber(1, Number.MAX_SAFE_INTEGER))
    .option(
      '--page-size <n>',
      'records asked per X3 page (with --api: per API page, up to 500)',
      wholeNumber(1, 1000),
      100,
    )
    .option(
      '--api <url>',
      "read through a running server's HTTP API (X3BRIDGE_API_URL), e.g. http://127.0.0.1:3000",
    )
    .option('--api-key <key>', 'the API key for --api (X3BRIDGE_API_KEY)')
    .option('--raw', "add X3's untouched record (NDJSON: a raw field; CSV: a raw JSON column)")
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('-q, --quiet', 'no summary line on standard error')
    .option('--updated-since <when>', 'changed at or after (date or ISO timestamp)', timestamp)
    .option('--from <date>', 'document date on or after (YYYY-MM-DD)', isoDate)
    .option('--to <date>', 'document date on or before (YYYY-MM-DD)', isoDate)
    .option('--search <text>', 'code or name contains the text (case-insensitive)', nonEmpty)
    .option(
      '--site <code>',
      'site; for items: stock of this storage site only (implies --with-stock)',
      nonEmpty,
    )
    .option('--customer <code>', 'customer code (sales orders, deliveries)', nonEmpty)
    .option('--supplier <code>', 'supplier code (purchase orders, supplier invoices)', nonEmpty)
    .option('--country <code>', 'country, ISO 2 letters (customers)', nonEmpty)
    .option('--sales-order <number>', 'source sales order (deliveries)', nonEmpty)
    .option('--customer-order-reference <ref>', 'customer reference, CUSORDREF (sales orders)', nonEmpty)
    .option('--company <code>', 'company (journal entries, account balances)', nonEmpty)
    .option('--account <code>', 'account (account balances)', nonEmpty)
    .option('--journal <code>', 'journal (journal entries)', nonEmpty)
    .option('--type <code>', 'entry type, e.g. ODP (journal entries)', nonEmpty)
    .option('--fiscal-year <year>', 'fiscal year, e.g. 2026 (account balances)', wholeNumber(1900, 9999))
    .option('--ledger-type <n>', 'ledger type, 1 = general (account balances)', wholeNumber(1, 99))
    .option('--with-stock', 'add stock by site to each item (items)')
    .addHelpText(
      'after',
      [
        '',
        'NDJSON has one normalized record per line. CSV has one row per record: header fields',
        'flattened (units.stock), arrays such as document lines as one JSON column each.',
        'A progress bar shows on standard error when it is a terminal (never in pipes or CI).',
        '',
        'Examples:',
        '  $ x3bridge export items --connection con_2x8… --out items.ndjson',
        '  $ x3bridge export sales-orders -c con_2x8… --from 2026-01-01 --format csv > orders.csv',
        '  $ x3bridge export customers -c con_2x8… --updated-since 2026-03-01T00:00:00Z | jq .code',
        '  $ x3bridge export items -c con_2x8… --api http://127.0.0.1:3000 --api-key "$X3BRIDGE_API_KEY" > items.ndjson',
      ].join('\n'),
    )
    .action((resource: string, opts: ExportOptions, command: Command) =>
      exportCommand(resource, opts, io, command.getOptionValueSource('pageSize') === 'cli'),
    );
}
