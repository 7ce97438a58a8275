import { X3InvalidInputError } from '../errors.js';

const CLASS_NAME = /^[A-Z][A-Z0-9_]*$/;
const FOLDER_CODE = /^[A-Z0-9_]+$/;

export function assertClassName(cls: string): void {
  if (!CLASS_NAME.test(cls))
    throw new X3InvalidInputError(`"${cls}" is not an X3 class name (upper-case letters, digits, _).`);
}

export function isFolderCode(folder: string): boolean {
  return FOLDER_CODE.test(folder);
}

/**
 * One key part, quoted for a resource path: inner quotes doubled, then percent-encoded so that
 * `/`, `?`, `#`, spaces and non-ASCII survive the URL. `~` separates composite parts, so a part
 * holding one cannot be expressed and is refused.
 */
function keyPart(part: string | number): string {
  const text = String(part);
  if (text.length === 0) throw new X3InvalidInputError('A key part cannot be empty.');
  if (text.includes('~')) {
    throw new X3InvalidInputError(
      `The key part "${text}" contains "~", which X3 uses to join composite keys.`,
    );
  }
  return encodeURIComponent(text.replaceAll("'", "''")).replaceAll("'", '%27');
}

/** `CLASS('KEY')`, or `CLASS('A~B~C')` for a composite key. */
export function keySegment(cls: string, key: string | number | ReadonlyArray<string | number>): string {
  assertClassName(cls);
  const parts = Array.isArray(key) ? key : [key as string | number];
  if (parts.length === 0) throw new X3InvalidInputError('A key needs at least one part.');
  return `${cls}('${parts.map(keyPart).join('~')}')`;
}

export type Facet = '$query' | '$details' | '$edit' | '$create' | '$lookup' | '$summary';

/** Base of every folder call: `{baseUrl}/api1/x3/erp/{FOLDER}/`. */
export function folderBase(baseUrl: string, folder: string): URL {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  return new URL(`${base.origin}${prefix}/api1/x3/erp/${folder}/`);
}

export interface SDataQuery {
  where?: string | undefined;
  count?: number | undefined;
  orderBy?: string | undefined;
  key?: string | undefined;
}

/** Builds a resource URL: the class or keyed segment, the representation and query parameters. */
export function resourceUrl(
  base: URL,
  segment: string,
  representation: string,
  facet: Facet,
  params: SDataQuery = {},
): URL {
  // Built as text and parsed once: this runs on every call. Values are percent-encoded
  // (a space as %20, which every server reads, unlike +).
  let query = `representation=${encodeURIComponent(`${representation}.${facet}`)}`;
  if (params.where !== undefined && params.where !== '')
    query += `&where=${encodeURIComponent(params.where)}`;
  if (params.orderBy !== undefined) query += `&orderBy=${encodeURIComponent(params.orderBy)}`;
  if (params.count !== undefined) query += `&count=${encodeURIComponent(String(params.count))}`;
  if (params.key !== undefined) query += `&key=${encodeURIComponent(params.key)}`;
  return new URL(`${base.href}${segment}?${query}`);
}

/** Splits `'TYPE~NUM'` style keys; parts are validated when the segment is built. */
export function splitCompositeKey(key: string, parts: number): string[] {
  const split = key.split('~');
  if (split.length !== parts) {
    throw new X3InvalidInputError(`Expected a key of ${parts} parts joined by "~", got "${key}".`);
  }
  return split;
}
