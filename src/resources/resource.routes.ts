import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { ApiError, errorResponses } from '../http/errors.js';
import type { ApiInstance } from '../http/types.js';
import { X3InvalidInputError, X3NotFoundError } from '../x3/errors.js';
import type { X3Client } from '../x3/index.js';
import { customerCreateSchema, customerUpdateSchema } from '../x3/resources/customers.js';
import { openCursor, sealCursor } from './cursor.js';
import {
  accountBalanceSchema,
  customerSchema,
  deliverySchema,
  itemSchema,
  journalEntrySchema,
  purchaseOrderSchema,
  salesOrderSchema,
  supplierInvoiceSchema,
} from './resource.models.js';
import {
  accountBalanceListQuery,
  customerListQuery,
  deliveryListQuery,
  filtersOf,
  includeQuery,
  itemGetQuery,
  itemListQuery,
  journalEntryListQuery,
  purchaseOrderListQuery,
  salesOrderListQuery,
  supplierInvoiceListQuery,
} from './resource.queries.js';
import { registerSalesOrderCreate } from './sales-order.routes.js';
import { createUseX3 } from './x3-call.js';

/** A list the client can page through, and read by key. */
interface PagedResource {
  page(options: Record<string, unknown>): Promise<{ data: object[]; nextCursor: string | null }>;
  get(key: never, options?: never): Promise<object>;
}

interface ListDef {
  path: string;
  tag: string;
  plural: string;
  model: z.ZodType;
  query: z.ZodObject;
  pick: (client: X3Client) => PagedResource;
  /** API filters → client filters, when they differ. */
  toClient?: (filters: Record<string, unknown>) => Record<string, unknown>;
}

const connectionParams = z.object({ id: z.string().min(1).max(100) });

/**
 * The query schemas refuse bad filters first; anything the X3 client still refuses before
 * sending came from the query string too, so it is told as one.
 */
function asQueryError(err: unknown): never {
  if (err instanceof X3InvalidInputError) {
    throw new ApiError(400, 'invalid_query', `The query string is not valid: ${err.message}`, {
      issues: [{ path: '', message: err.message }],
    });
  }
  throw err;
}

/**
 * X3 says "no such record" as a 200 with a 721 diagnosis: the caller hears which record of
 * which folder is missing, in words, and X3's own diagnosis stays in the details.
 */
function notFoundAs(noun: string, key: string, folder: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof X3NotFoundError) {
      const diagnosis = err.message.replace(/^X3 has no such record( or class)?[:.]?\s*/, '').trim();
      throw new ApiError(
        404,
        'not_found',
        `No ${noun} ${key} in folder ${folder}.`,
        { resource: noun, key, folder, ...(diagnosis ? { x3Diagnosis: diagnosis } : {}) },
        { cause: err },
      );
    }
    throw err;
  };
}

/** A plain copy for the answer: X3's payload goes out only when asked for. */
export function present(record: object, includeRaw: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  if (includeRaw) out.raw = (record as { raw?: unknown }).raw ?? null;
  return out;
}

const LISTS: ListDef[] = [
  {
    path: 'customers',
    tag: 'customers',
    plural: 'customers (BPCUSTOMER)',
    model: customerSchema,
    query: customerListQuery,
    pick: (c) => c.customers as unknown as PagedResource,
  },
  {
    path: 'items',
    tag: 'items',
    plural: 'items (ITMMASTER), with stock by site when ?site= is given',
    model: itemSchema,
    query: itemListQuery,
    pick: (c) => c.items as unknown as PagedResource,
    toClient: (f) => (f.site !== undefined ? { ...f, withStock: true } : f),
  },
  {
    path: 'sales-orders',
    tag: 'sales orders',
    plural: 'sales orders (SORDER) with their lines',
    model: salesOrderSchema,
    query: salesOrderListQuery,
    pick: (c) => c.salesOrders as unknown as PagedResource,
  },
  {
    path: 'purchase-orders',
    tag: 'purchase orders',
    plural: 'purchase orders (PORDER) with their lines',
    model: purchaseOrderSchema,
    query: purchaseOrderListQuery,
    pick: (c) => c.purchaseOrders as unknown as PagedResource,
  },
  {
    path: 'supplier-invoices',
    tag: 'supplier invoices',
    plural: 'supplier invoices (PINVOICE) with their lines',
    model: supplierInvoiceSchema,
    query: supplierInvoiceListQuery,
    pick: (c) => c.supplierInvoices as unknown as PagedResource,
  },
  {
    path: 'journal-entries',
    tag: 'journal entries',
    plural: 'journal entries (GACCENTRY) with their lines',
    model: journalEntrySchema,
    query: journalEntryListQuery,
    pick: (c) => c.journalEntries as unknown as PagedResource,
  },
  {
    path: 'account-balances',
    tag: 'account balances',
    plural: 'account balances (BALANCE), per period and in total',
    model: accountBalanceSchema,
    query: accountBalanceListQuery,
    pick: (c) => c.accountBalances as unknown as PagedResource,
  },
  {
    path: 'deliveries',
    tag: 'deliveries',
    plural: 'deliveries (SDELIVERY) with their lines',
    model: deliverySchema,
    query: deliveryListQuery,
    pick: (c) => c.deliveries as unknown as PagedResource,
  },
];

interface GetDef {
  path: string;
  tag: string;
  summary: string;
  /** What the record is, in words, and its key as the caller gave it: for the not-found message. */
  noun: string;
  keyOf: (params: Record<string, string>) => string;
  model: z.ZodType;
  params: z.ZodObject;
  query: z.ZodObject;
  read: (client: X3Client, params: Record<string, string>, query: Record<string, unknown>) => Promise<object>;
}

const key = (name: string, max = 30) => z.string().min(1).max(max).describe(name);

const GETS: GetDef[] = [
  {
    path: 'customers/:code',
    tag: 'customers',
    summary: 'One customer with its addresses',
    noun: 'customer',
    keyOf: (p) => p.code!,
    model: customerSchema,
    params: connectionParams.extend({ code: key('Customer code (BPCNUM)', 15) }),
    query: includeQuery,
    read: (c, p) => c.customers.get(p.code!),
  },
  {
    path: 'items/:ref',
    tag: 'items',
    summary: 'One item with its units and stock by storage site',
    noun: 'item',
    keyOf: (p) => p.ref!,
    model: itemSchema,
    params: connectionParams.extend({ ref: key('Item reference (ITMREF)', 20) }),
    query: itemGetQuery,
    read: (c, p, q) => c.items.get(p.ref!, q.site === undefined ? {} : { site: q.site as string }),
  },
  {
    path: 'sales-orders/:number',
    tag: 'sales orders',
    summary: 'One sales order with its lines',
    noun: 'sales order',
    keyOf: (p) => p.number!,
    model: salesOrderSchema,
    params: connectionParams.extend({ number: key('Order number (SOHNUM)') }),
    query: includeQuery,
    read: (c, p) => c.salesOrders.get(p.number!),
  },
  {
    path: 'purchase-orders/:number',
    tag: 'purchase orders',
    summary: 'One purchase order with its lines',
    noun: 'purchase order',
    keyOf: (p) => p.number!,
    model: purchaseOrderSchema,
    params: connectionParams.extend({ number: key('Order number (POHNUM)') }),
    query: includeQuery,
    read: (c, p) => c.purchaseOrders.get(p.number!),
  },
  {
    path: 'supplier-invoices/:number',
    tag: 'supplier invoices',
    summary: 'One supplier invoice with its lines',
    noun: 'supplier invoice',
    keyOf: (p) => p.number!,
    model: supplierInvoiceSchema,
    params: connectionParams.extend({ number: key('Invoice number (NUM)') }),
    query: includeQuery,
    read: (c, p) => c.supplierInvoices.get(p.number!),
  },
  {
    path: 'journal-entries/:type/:number',
    tag: 'journal entries',
    summary: 'One journal entry with its lines',
    noun: 'journal entry',
    keyOf: (p) => `${p.type!} ${p.number!}`,
    model: journalEntrySchema,
    params: connectionParams.extend({ type: key('Entry type (TYP)', 5), number: key('Entry number (NUM)') }),
    query: includeQuery,
    read: (c, p) => c.journalEntries.get([p.type!, p.number!]),
  },
  {
    path: 'deliveries/:number',
    tag: 'deliveries',
    summary: 'One delivery with its lines',
    noun: 'delivery',
    keyOf: (p) => p.number!,
    model: deliverySchema,
    params: connectionParams.extend({ number: key('Delivery number (SDHNUM)') }),
    query: includeQuery,
    read: (c, p) => c.deliveries.get(p.number!),
  },
];

/** Every business-document route under /v1/connections/{id}. */
export async function resourceRoutes(api: ApiInstance, deps: AppDeps): Promise<void> {
  const useX3 = createUseX3(deps);
  for (const def of LISTS) {
    api.get(
      `/v1/connections/:id/${def.path}`,
      {
        schema: {
          tags: [def.tag],
          summary: `List ${def.plural}`,
          description:
            'Pages with `limit` and the opaque `nextCursor`. Every filter is checked before X3 is asked: an unknown ' +
            'query parameter (a misspelt filter) or an impossible date answers 400 invalid_query naming it, rather ' +
            'than a list that silently ignores it.',
          params: connectionParams,
          querystring: def.query,
          response: {
            200: z.object({ data: z.array(def.model), nextCursor: z.string().nullable() }),
            ...errorResponses(400, 401, 404, 422, 502, 503, 504),
          },
        },
      },
      async (request) => {
        const { id } = request.params;
        const query = request.query as Record<string, unknown>;
        const filters = filtersOf(query);
        const position =
          typeof query.cursor === 'string'
            ? openCursor(deps.vault, id, def.path, filters, query.cursor)
            : undefined;
        const clientFilters = def.toClient ? def.toClient(filters) : filters;
        const page = await useX3(
          request,
          id,
          (client) =>
            def
              .pick(client)
              .page({
                ...clientFilters,
                pageSize: query.limit as number,
                ...(position !== undefined ? { cursor: position } : {}),
              })
              .catch(asQueryError),
          { testClass: def.path === 'customers' },
        );
        const includeRaw = query.include === 'raw';
        return {
          data: page.data.map((r) => present(r, includeRaw)),
          nextCursor: page.nextCursor ? sealCursor(deps.vault, id, def.path, filters, page.nextCursor) : null,
        };
      },
    );
  }

  for (const def of GETS) {
    api.get(
      `/v1/connections/:id/${def.path}`,
      {
        schema: {
          tags: [def.tag],
          summary: def.summary,
          params: def.params,
          querystring: def.query,
          response: { 200: def.model, ...errorResponses(400, 401, 404, 422, 502, 503, 504) },
        },
      },
      async (request) => {
        const params = request.params as Record<string, string>;
        const query = request.query as Record<string, unknown>;
        const record = await useX3(
          request,
          params.id!,
          (client, connection) =>
            def.read(client, params, query).catch(notFoundAs(def.noun, def.keyOf(params), connection.folder)),
          { testClass: def.tag === 'customers' },
        );
        return present(record, query.include === 'raw');
      },
    );
  }

  const codeParams = connectionParams.extend({ code: key('Customer code (BPCNUM)', 15) });

  api.post(
    '/v1/connections/:id/customers',
    {
      schema: {
        tags: ['customers'],
        summary: 'Create a customer in X3',
        params: connectionParams,
        body: customerCreateSchema,
        response: { 201: customerSchema, ...errorResponses(400, 401, 404, 422, 502, 503, 504) },
      },
    },
    async (request, reply) => {
      const created = await useX3(
        request,
        request.params.id,
        (client) => client.customers.create(request.body),
        {
          testClass: true,
        },
      );
      return reply.code(201).send(present(created, false) as never);
    },
  );

  api.patch(
    '/v1/connections/:id/customers/:code',
    {
      schema: {
        tags: ['customers'],
        summary: 'Change a customer in X3 (only the fields given)',
        params: codeParams,
        body: customerUpdateSchema,
        response: { 200: customerSchema, ...errorResponses(400, 401, 404, 422, 502, 503, 504) },
      },
    },
    async (request) => {
      const updated = await useX3(
        request,
        request.params.id,
        (client, connection) =>
          client.customers
            .update(request.params.code, request.body)
            .catch(notFoundAs('customer', request.params.code, connection.folder)),
        { testClass: true },
      );
      return present(updated, false) as never;
    },
  );

  registerSalesOrderCreate(api, deps, useX3);
}
