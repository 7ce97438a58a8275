import { X3InvalidInputError, X3ProtocolError } from '../errors.js';
import type { Transport } from '../transport.js';
import type { X3Record } from './normalize.js';

export interface RawPage {
  records: X3Record[];
  /** The `$next` link, checked to stay on the connection's origin and folder. */
  next: URL | undefined;
  itemsPerPage: number | undefined;
}

/** Parameters of a `$next` URL that the client sets itself when it builds a first page. */
const OWN_PARAMS = new Set(['representation', 'where', 'count', 'orderBy']);

function checkNext(href: string, folderBase: URL, current: URL): URL {
  let next: URL;
  try {
    next = new URL(href, current);
  } catch (cause) {
    throw new X3ProtocolError('X3 sent a next-page link that is not a URL.', {
      method: 'GET',
      url: current.href,
      cause,
    });
  }
  // Following a link elsewhere would send this connection's credentials to another server.
  if (next.origin !== folderBase.origin || !next.pathname.startsWith(folderBase.pathname)) {
    throw new X3ProtocolError('X3 sent a next-page link outside this connection; it was not followed.', {
      method: 'GET',
      url: current.href,
    });
  }
  return next;
}

export async function fetchPage(transport: Transport, url: URL, folderBase: URL): Promise<RawPage> {
  const answer = await transport.read(url);
  const body = (answer.body ?? {}) as Record<string, unknown>;
  const resources = Array.isArray(body.$resources) ? (body.$resources as X3Record[]) : [];
  const links = body.$links as Record<string, { $url?: unknown } | undefined> | undefined;
  const href = links?.$next?.$url;
  const itemsPerPage = typeof body.$itemsPerPage === 'number' ? body.$itemsPerPage : undefined;
  return {
    records: resources.filter((r) => r !== null && typeof r === 'object'),
    next: typeof href === 'string' && href !== '' ? checkNext(href, folderBase, url) : undefined,
    itemsPerPage,
  };
}

/**
 * Every page of a query, following `$links.$next.$url` verbatim until it is absent. Offsets are
 * never computed (X3 may serve fewer records than asked); a `$next` seen before ends with an
 * error rather than looping forever.
 */
export async function* pages(transport: Transport, first: URL, folderBase: URL): AsyncGenerator<X3Record[]> {
  const seen = new Set<string>([first.href]);
  let url: URL | undefined = first;
  while (url !== undefined) {
    const page: RawPage = await fetchPage(transport, url, folderBase);
    yield page.records;
    if (page.next !== undefined && seen.has(page.next.href)) {
      throw new X3ProtocolError(
        'X3 sent a next-page link it had already sent; paging stopped to avoid a loop.',
        {
          method: 'GET',
          url: page.next.href,
        },
      );
    }
    if (page.next !== undefined) seen.add(page.next.href);
    url = page.next;
  }
}

/**
 * An opaque cursor from a `$next` link: only the parameters X3 added (typically
 * `key=gt.…`), not the origin, the path or the filters, which the caller passes again.
 */
export function cursorFromNext(next: URL | undefined): string | null {
  if (next === undefined) return null;
  const params: [string, string][] = [];
  for (const [name, value] of next.searchParams) if (!OWN_PARAMS.has(name)) params.push([name, value]);
  return Buffer.from(JSON.stringify(params), 'utf8').toString('base64url');
}

/** Applies a cursor made by `cursorFromNext` to a first-page URL. */
export function applyCursor(url: URL, cursor: string): URL {
  let params: unknown;
  try {
    params = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    params = undefined;
  }
  if (
    !Array.isArray(params) ||
    !params.every(
      (p) =>
        Array.isArray(p) &&
        p.length === 2 &&
        typeof p[0] === 'string' &&
        typeof p[1] === 'string' &&
        !OWN_PARAMS.has(p[0]),
    )
  ) {
    throw new X3InvalidInputError('The cursor is not one this client issued.');
  }
  const out = new URL(url);
  for (const [name, value] of params as [string, string][]) out.searchParams.set(name, value);
  return out;
}
