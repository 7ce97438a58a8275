import { sql } from 'kysely';
import type { DbExecutor } from '../db/index.js';
import type { CustomerMapping, MappingPutMode, ProductMapping } from './mapping.js';

/** A page of mappings in key order, after `after` when given; `limit` unset reads them all. */
export interface MappingPage {
  limit?: number;
  after?: string | null;
}

export async function listProductMappings(db: DbExecutor, connectionId: string, page: MappingPage = {}) {
  let q = db
    .selectFrom('product_mappings')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .orderBy('product_code');
  if (page.after) q = q.where('product_code', '>', page.after);
  if (page.limit !== undefined) q = q.limit(page.limit);
  return q.execute();
}

export async function listCustomerMappings(db: DbExecutor, connectionId: string, page: MappingPage = {}) {
  let q = db
    .selectFrom('customer_mappings')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .orderBy('customer_account');
  if (page.after) q = q.where('customer_account', '>', page.after);
  if (page.limit !== undefined) q = q.limit(page.limit);
  return q.execute();
}

export async function replaceProductMappings(
  db: DbExecutor,
  connectionId: string,
  rows: ProductMapping[],
  mode: MappingPutMode,
): Promise<void> {
  if (mode === 'replace') {
    const keep = rows.map((r) => r.productCode);
    let del = db.deleteFrom('product_mappings').where('connection_id', '=', connectionId);
    if (keep.length > 0) del = del.where('product_code', 'not in', keep);
    await del.execute();
  }
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await db
      .insertInto('product_mappings')
      .values(
        chunk.map((r) => ({ connection_id: connectionId, product_code: r.productCode, item_ref: r.itemRef })),
      )
      .onConflict((oc) =>
        oc.columns(['connection_id', 'product_code']).doUpdateSet({
          item_ref: (eb) => eb.ref('excluded.item_ref'),
          updated_at: sql`case when product_mappings.item_ref = excluded.item_ref then product_mappings.updated_at else now() end`,
        }),
      )
      .execute();
  }
}

export async function replaceCustomerMappings(
  db: DbExecutor,
  connectionId: string,
  rows: CustomerMapping[],
  mode: MappingPutMode,
): Promise<void> {
  if (mode === 'replace') {
    const keep = rows.map((r) => r.customerAccount);
    let del = db.deleteFrom('customer_mappings').where('connection_id', '=', connectionId);
    if (keep.length > 0) del = del.where('customer_account', 'not in', keep);
    await del.execute();
  }
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await db
      .insertInto('customer_mappings')
      .values(
        chunk.map((r) => ({
          connection_id: connectionId,
          customer_account: r.customerAccount,
          customer_code: r.customerCode,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['connection_id', 'customer_account']).doUpdateSet({
          customer_code: (eb) => eb.ref('excluded.customer_code'),
          updated_at: sql`case when customer_mappings.customer_code = excluded.customer_code then customer_mappings.updated_at else now() end`,
        }),
      )
      .execute();
  }
}

/** The X3 codes for the given platform codes; codes without a mapping are absent from the maps. */
export async function lookupMappings(
  db: DbExecutor,
  connectionId: string,
  productCodes: string[],
  customerAccounts: string[],
): Promise<{ products: Map<string, string>; customers: Map<string, string> }> {
  const [products, customers] = await Promise.all([
    productCodes.length === 0
      ? []
      : db
          .selectFrom('product_mappings')
          .select(['product_code', 'item_ref'])
          .where('connection_id', '=', connectionId)
          .where('product_code', 'in', productCodes)
          .execute(),
    customerAccounts.length === 0
      ? []
      : db
          .selectFrom('customer_mappings')
          .select(['customer_account', 'customer_code'])
          .where('connection_id', '=', connectionId)
          .where('customer_account', 'in', customerAccounts)
          .execute(),
  ]);
  return {
    products: new Map(products.map((r) => [r.product_code, r.item_ref])),
    customers: new Map(customers.map((r) => [r.customer_account, r.customer_code])),
  };
}
