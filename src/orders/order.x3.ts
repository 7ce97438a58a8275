/**
 * The slice of the X3 client that mappings and orders use, so this code depends on behaviour,
 * not on the whole client. `createX3Client`'s result satisfies it.
 */
export interface X3ItemView {
  ref: string;
  description?: string | null;
  active?: boolean | null;
  sellable?: boolean | null;
}
export interface X3CustomerView {
  code: string;
  name?: string | null;
  active?: boolean | null;
}
export interface X3SiteView {
  code: string;
  isSalesSite?: boolean | null;
}
export interface X3SalesOrderView {
  number: string;
  customerCode?: string | null;
  customerOrderReference?: string | null;
  orderDate?: string | null;
  /** CREDATTIM, ISO UTC. */
  createdAt?: string | null;
  lines?: Array<{ itemRef: string | null; quantity: number | null }>;
}
export interface SalesOrderCreate {
  customerCode: string;
  customerOrderReference: string;
  salesSite: string;
  currency?: string;
  requestedDeliveryDate?: string;
  lines: Array<{ itemRef: string; quantity: number; grossPrice?: string; requestedDeliveryDate?: string }>;
}

export interface OrdersX3 {
  items: { get(ref: string): Promise<X3ItemView>; list(filters?: object): AsyncIterable<X3ItemView> };
  customers: {
    get(code: string): Promise<X3CustomerView>;
    list(filters?: object): AsyncIterable<X3CustomerView>;
  };
  sites: { get(code: string): Promise<X3SiteView>; list(filters?: object): AsyncIterable<X3SiteView> };
  salesOrders: {
    create(input: SalesOrderCreate): Promise<X3SalesOrderView>;
    findByCustomerOrderReference(ref: string): Promise<X3SalesOrderView | null>;
    list(filters: { customerOrderReference: string }): AsyncIterable<X3SalesOrderView>;
    get(number: string): Promise<X3SalesOrderView>;
  };
}

/** True when the error means "X3 has no such record" (a 404 or a 721 diagnosis). */
export function isX3NotFound(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'not_found';
}

/** True when X3 could not be asked at all (down, overloaded, refused): checks are skipped, not failed. */
export function isX3Unavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'x3_unavailable' || code === 'x3_unreachable' || code === 'outcome_uncertain';
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}
