import type { Db } from '../db/index.js';
import { ApiError } from '../http/errors.js';
import {
  isX3NotFound,
  mapLimit,
  type OrdersX3,
  type X3CustomerView,
  type X3ItemView,
} from '../orders/order.x3.js';
import type { CustomerMapping, MappingProblem, MappingPutMode, ProductMapping } from './mapping.js';
import {
  listCustomerMappings,
  listProductMappings,
  replaceCustomerMappings,
  type MappingPage,
  replaceProductMappings,
} from './mapping.repository.js';
import { rankCandidates, type SuggestionCandidate } from './mapping.suggest.js';

const X3_READS_IN_FLIGHT = 4;

function duplicates<T>(rows: T[], keyOf: (r: T) => string, field: string): MappingProblem[] {
  const seen = new Set<string>();
  const problems: MappingProblem[] = [];
  rows.forEach((r, row) => {
    const k = keyOf(r);
    if (seen.has(k)) {
      problems.push({ row, field, value: k, code: 'duplicate', message: `${k} appears more than once` });
    }
    seen.add(k);
  });
  return problems;
}

/** Reads each distinct X3 code once; a read error other than "not found" stops the check. */
async function readEach<V>(
  codes: string[],
  read: (code: string) => Promise<V>,
): Promise<Map<string, V | null>> {
  const distinct = [...new Set(codes)];
  const found = await mapLimit(distinct, X3_READS_IN_FLIGHT, async (code) => {
    try {
      return await read(code);
    } catch (err) {
      if (isX3NotFound(err)) return null;
      throw err;
    }
  });
  return new Map(distinct.map((c, i) => [c, found[i]!]));
}

export function itemProblem(
  ref: string,
  item: X3ItemView | null,
): Omit<MappingProblem, 'row' | 'field'> | null {
  if (!item) return { value: ref, code: 'item_not_found', message: `X3 has no item ${ref}` };
  if (item.active === false)
    return { value: ref, code: 'item_inactive', message: `item ${ref} is not active in X3` };
  if (item.sellable === false)
    return { value: ref, code: 'item_not_sellable', message: `item ${ref} is not a sold item in X3` };
  return null;
}

export function customerProblem(
  code: string,
  c: X3CustomerView | null,
): Omit<MappingProblem, 'row' | 'field'> | null {
  if (!c) return { value: code, code: 'customer_not_found', message: `X3 has no customer ${code}` };
  if (c.active === false)
    return { value: code, code: 'customer_blocked', message: `customer ${code} is blocked in X3` };
  return null;
}

function rejectIfAny(problems: MappingProblem[]): void {
  if (problems.length === 0) return;
  problems.sort((a, b) => a.row - b.row);
  throw new ApiError(422, 'invalid_input', `${problems.length} mapping row(s) cannot be saved`, { problems });
}

/** Checks every row against X3 (item exists, active, sold), reporting all problems at once, then saves. */
export async function putProductMappings(
  db: Db,
  x3: OrdersX3,
  connectionId: string,
  rows: ProductMapping[],
  mode: MappingPutMode,
): Promise<void> {
  const problems = duplicates(rows, (r) => r.productCode, 'productCode');
  const items = await readEach(
    rows.map((r) => r.itemRef),
    (ref) => x3.items.get(ref),
  );
  rows.forEach((r, row) => {
    const p = itemProblem(r.itemRef, items.get(r.itemRef) ?? null);
    if (p) problems.push({ row, field: 'itemRef', ...p });
  });
  rejectIfAny(problems);
  await db.transaction().execute((tx) => replaceProductMappings(tx, connectionId, rows, mode));
}

export async function putCustomerMappings(
  db: Db,
  x3: OrdersX3,
  connectionId: string,
  rows: CustomerMapping[],
  mode: MappingPutMode,
): Promise<void> {
  const problems = duplicates(rows, (r) => r.customerAccount, 'customerAccount');
  const customers = await readEach(
    rows.map((r) => r.customerCode),
    (code) => x3.customers.get(code),
  );
  rows.forEach((r, row) => {
    const p = customerProblem(r.customerCode, customers.get(r.customerCode) ?? null);
    if (p) problems.push({ row, field: 'customerCode', ...p });
  });
  rejectIfAny(problems);
  await db.transaction().execute((tx) => replaceCustomerMappings(tx, connectionId, rows, mode));
}

export type MappingPageQuery = MappingPage;

export async function getProductMappings(db: Db, connectionId: string, page: MappingPage = {}) {
  const rows = await listProductMappings(db, connectionId, page);
  return rows.map((r) => ({
    productCode: r.product_code,
    itemRef: r.item_ref,
    updatedAt: r.updated_at.toISOString(),
  }));
}

export async function getCustomerMappings(db: Db, connectionId: string, page: MappingPage = {}) {
  const rows = await listCustomerMappings(db, connectionId, page);
  return rows.map((r) => ({
    customerAccount: r.customer_account,
    customerCode: r.customer_code,
    updatedAt: r.updated_at.toISOString(),
  }));
}

/** The list shape of the API over a keyset page: the cursor is the last row's platform code. */
export async function pageMappings<R extends Record<string, string>>(
  read: (page: MappingPage) => Promise<R[]>,
  keyOf: (row: R) => string,
  q: { limit: number; cursor?: string | undefined },
): Promise<{ data: R[]; nextCursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeMappingCursor(q.cursor);
  const rows = await read({ limit: q.limit + 1, after });
  const data = rows.slice(0, q.limit);
  const last = data[data.length - 1];
  return {
    data,
    nextCursor: rows.length > q.limit && last ? Buffer.from(keyOf(last)).toString('base64url') : null,
  };
}

function decodeMappingCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (key.length === 0 || Buffer.from(key).toString('base64url') !== cursor) {
    throw new ApiError(400, 'invalid_query', 'The cursor is not one this list gave out', { field: 'cursor' });
  }
  return key;
}

/** How many X3 records suggestions compare against at most; past it the answer says `truncated`. */
export const SUGGEST_MAX_CANDIDATES = 100_000;
const MASTER_TTL_MS = 60_000;

interface Master {
  candidates: SuggestionCandidate[];
  truncated: boolean;
}

/**
 * The slim copy of an X3 master list that scoring needs (code and name of the records that may
 * be suggested), read as a stream so the full records (and their raw payloads) are dropped as
 * they come. Kept per client for a minute, one read at a time: a mapping screen asks many times.
 */
const masters = new WeakMap<object, Map<string, { at: number; master: Promise<Master> }>>();

function cachedMaster(
  x3: OrdersX3,
  kind: 'items' | 'customers',
  read: () => Promise<Master>,
  ttlMs = MASTER_TTL_MS,
): Promise<Master> {
  let perClient = masters.get(x3);
  if (!perClient) masters.set(x3, (perClient = new Map()));
  const hit = perClient.get(kind);
  if (hit && Date.now() - hit.at < ttlMs) return hit.master;
  const master = read();
  const entry = { at: Date.now(), master };
  perClient.set(kind, entry);
  // A failed read is not kept: the next request reads again.
  master.catch(() => {
    if (perClient.get(kind) === entry) perClient.delete(kind);
  });
  return master;
}

async function slimList<T>(
  records: AsyncIterable<T>,
  keep: (r: T) => SuggestionCandidate | null,
  max: number,
): Promise<Master> {
  const candidates: SuggestionCandidate[] = [];
  for await (const r of records) {
    if (candidates.length >= max) return { candidates, truncated: true };
    const c = keep(r);
    if (c) candidates.push(c);
  }
  return { candidates, truncated: false };
}

/** Suggestions for each product code, and whether the item master was cut. */
export async function suggestProductMappings(
  x3: OrdersX3,
  products: Array<{ productCode: string; name?: string | undefined }>,
  limit: number,
  opts: { maxCandidates?: number } = {},
) {
  const master = await cachedMaster(x3, 'items', () =>
    slimList(
      x3.items.list({}),
      // Inactive and unsold items cannot be ordered, so they are never suggested.
      (i) =>
        i.active !== false && i.sellable !== false ? { code: i.ref, name: i.description ?? null } : null,
      opts.maxCandidates ?? SUGGEST_MAX_CANDIDATES,
    ),
  );
  return {
    data: products.map((p) => ({
      productCode: p.productCode,
      suggestions: rankCandidates({ code: p.productCode, name: p.name }, master.candidates, { limit }).map(
        (s) => ({
          itemRef: s.code,
          description: s.name,
          score: s.score,
          reason: s.reason,
        }),
      ),
    })),
    truncated: master.truncated,
  };
}

/** Suggestions for each customer account, and whether the customer master was cut. */
export async function suggestCustomerMappings(
  x3: OrdersX3,
  customers: Array<{ customerAccount: string; name?: string | undefined }>,
  limit: number,
  opts: { maxCandidates?: number } = {},
) {
  const master = await cachedMaster(x3, 'customers', () =>
    slimList(
      x3.customers.list({}),
      (c) => (c.active !== false ? { code: c.code, name: c.name ?? null } : null),
      opts.maxCandidates ?? SUGGEST_MAX_CANDIDATES,
    ),
  );
  return {
    data: customers.map((c) => ({
      customerAccount: c.customerAccount,
      suggestions: rankCandidates({ code: c.customerAccount, name: c.name }, master.candidates, {
        limit,
      }).map((s) => ({
        customerCode: s.code,
        name: s.name,
        score: s.score,
        reason: s.reason,
      })),
    })),
    truncated: master.truncated,
  };
}

/** The suggestions alone (the CLI demo's shape). */
export async function suggestProducts(...args: Parameters<typeof suggestProductMappings>) {
  return (await suggestProductMappings(...args)).data;
}

export async function suggestCustomers(...args: Parameters<typeof suggestCustomerMappings>) {
  return (await suggestCustomerMappings(...args)).data;
}
