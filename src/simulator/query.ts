// `$query` feeds: where, orderBy and keyset paging (`key=gt.<last key>` / `lt`). Equalities on
// the key or an indexed property avoid a scan, so `CUSORDREF eq 'Q-1'` stays fast on any size.
import { headerProp, keyOf, type ClassDef } from './schema.js';
import { compareBy, parseOrderBy, type OrderTerm } from './sdata/order-by.js';
import {
  compileWhere,
  parseWhere,
  requiredEqualities,
  SDataSyntaxError,
  wherePropertyUses,
} from './sdata/where.js';
import type { ClassStore } from './store.js';
import type { Diagnosis, X3Record } from './types.js';

export class QueryError extends Error {
  constructor(readonly diagnosis: Diagnosis) {
    super(diagnosis.$message);
    this.name = 'QueryError';
  }
}

export interface QueryLimits {
  pageCap: number;
  defaultPageSize: number;
}

export interface QueryPage {
  records: X3Record[];
  pageSize: number;
  /** Key of the page's last record when more records follow it. */
  nextAfter?: string;
}

type Cursor = { dir: 'gt' | 'lt'; key?: string };

function bad(message: string, code: string): QueryError {
  return new QueryError({ $severity: 'error', $sdataCode: code, $message: message });
}

function pageSize(count: string | null, limits: QueryLimits): number {
  if (count === null || count === '') return Math.min(limits.defaultPageSize, limits.pageCap);
  if (!/^\d+$/.test(count) || Number(count) === 0)
    throw bad(`count: a positive whole number is expected, not '${count}'`, 'BadQueryParameter');
  // The cap is silent, as X3's: the size used is only visible in $itemsPerPage.
  return Math.min(Number(count), limits.pageCap);
}

function cursor(key: string | null): Cursor | undefined {
  if (key === null) return undefined;
  const m = /^(gt|lt)(?:\.(.*))?$/s.exec(key);
  if (!m) throw bad(`key: 'gt.<key>' or 'lt[.<key>]' is expected, not '${key}'`, 'BadQueryParameter');
  if (m[1] === 'gt' && m[2] === undefined) throw bad("key: 'gt' needs a key after it", 'BadQueryParameter');
  return m[2] === undefined ? { dir: m[1] as 'lt' } : { dir: m[1] as 'gt' | 'lt', key: m[2] };
}

function checkProperties(
  cls: ClassDef,
  names: { name: string; position: number }[],
  what: string,
  code: string,
): void {
  for (const { name, position } of names) {
    if (!headerProp(cls, name)) {
      throw bad(
        `${what}: unknown property ${name} at position ${position} in the representation ${cls.name}`,
        code,
      );
    }
  }
}

/** Candidate records in key order: a key lookup, a key-prefix range, an index, or a scan. */
function* candidates(
  store: ClassStore,
  eq: Map<string, string | number>,
  c: Cursor | undefined,
): Generator<X3Record> {
  const { keyFields } = store.cls;
  if (keyFields.every((f) => eq.has(f))) {
    const r = store.get(keyFields.map((f) => String(eq.get(f))).join('~'));
    if (r) yield r;
    return;
  }
  const descending = c?.dir === 'lt';
  const bound = c?.key === undefined ? {} : descending ? { before: c.key } : { after: c.key };
  if (keyFields.length > 1 && eq.has(keyFields[0]!)) {
    yield* store.scan({ ...bound, descending, prefix: `${String(eq.get(keyFields[0]!))}~` });
    return;
  }
  for (const [prop, value] of eq) {
    const keys = store.lookup(prop, value);
    if (!keys) continue;
    if (descending) keys.reverse();
    for (const key of keys) {
      if (c?.key !== undefined && (descending ? key >= c.key : key <= c.key)) continue;
      const r = store.get(key);
      if (r) yield r;
    }
    return;
  }
  yield* store.scan({ ...bound, descending });
}

export function runQuery(store: ClassStore, params: URLSearchParams, limits: QueryLimits): QueryPage {
  const cls = store.cls;
  const size = pageSize(params.get('count'), limits);
  const c = cursor(params.get('key'));
  let matches: (r: X3Record) => boolean = () => true;
  let eq = new Map<string, string | number>();
  const where = params.get('where');
  if (where !== null && where.trim() !== '') {
    try {
      const expr = parseWhere(where);
      checkProperties(cls, wherePropertyUses(expr), 'where', 'BadWhereSyntax');
      matches = compileWhere(expr);
      eq = requiredEqualities(expr);
    } catch (err) {
      if (err instanceof SDataSyntaxError) throw bad(`where: ${err.message}`, 'BadWhereSyntax');
      throw err;
    }
  }
  let terms: OrderTerm[] = [];
  const orderBy = params.get('orderBy');
  if (orderBy !== null && orderBy.trim() !== '') {
    try {
      terms = parseOrderBy(orderBy);
    } catch (err) {
      if (err instanceof SDataSyntaxError) throw bad(`orderBy: ${err.message}`, 'BadOrderBySyntax');
      throw err;
    }
    checkProperties(
      cls,
      terms.map((t) => ({ name: t.property, position: 0 })),
      'orderBy',
      'BadOrderBySyntax',
    );
  }
  if (terms.length) return orderedPage(store, matches, eq, terms, c, size);

  const page: X3Record[] = [];
  let more = false;
  for (const r of candidates(store, eq, c)) {
    if (!matches(r)) continue;
    if (page.length === size) {
      more = true;
      break;
    }
    page.push(r);
  }
  if (c?.dir === 'lt') {
    page.reverse();
    // A page read backwards has more after it exactly when it stopped short of a cursor key.
    more = c.key !== undefined && page.length > 0;
  }
  const last = page[page.length - 1];
  return { records: page, pageSize: size, ...(more && last && { nextAfter: keyOf(cls, last) }) };
}

function orderedPage(
  store: ClassStore,
  matches: (r: X3Record) => boolean,
  eq: Map<string, string | number>,
  terms: OrderTerm[],
  c: Cursor | undefined,
  size: number,
): QueryPage {
  const cls = store.cls;
  const byTerms = compareBy(terms);
  const order = (a: X3Record, b: X3Record): number => {
    const d = byTerms(a, b);
    if (d !== 0) return d;
    const ka = keyOf(cls, a);
    const kb = keyOf(cls, b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  const all: X3Record[] = [];
  for (const r of candidates(store, eq, undefined)) if (matches(r)) all.push(r);
  all.sort(order);
  let start = 0;
  let end = all.length;
  if (c?.key !== undefined) {
    const anchor = store.get(c.key);
    if (!anchor) throw bad(`key: the record ${c.key} no longer exists`, 'BadQueryParameter');
    const at = all.findIndex((r) => order(r, anchor) > 0);
    const split = at < 0 ? all.length : at;
    if (c.dir === 'gt') start = split;
    else
      end =
        all.findIndex((r) => order(r, anchor) >= 0) < 0
          ? all.length
          : all.findIndex((r) => order(r, anchor) >= 0);
  }
  if (c?.dir === 'lt') start = Math.max(0, end - size);
  else end = Math.min(end, start + size);
  const records = all.slice(start, end);
  const last = records[records.length - 1];
  const more = end < all.length;
  return { records, pageSize: size, ...(more && last && { nextAfter: keyOf(cls, last) }) };
}
