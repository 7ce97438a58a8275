import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { getConnection } from '../connections/connection.service.js';
import { ApiError, errorResponses } from '../http/errors.js';
import type { ApiInstance } from '../http/types.js';
import type { OrdersX3 } from '../orders/order.x3.js';
import {
  customerMappingListSchema,
  customerMappingPutBodySchema,
  customerMappingRowsSchema,
  mappingListQuerySchema,
  mappingRowsOf,
  customerSuggestBodySchema,
  customerSuggestResponseSchema,
  mappingPutQuerySchema,
  productMappingListSchema,
  productMappingPutBodySchema,
  productMappingRowsSchema,
  productSuggestBodySchema,
  productSuggestResponseSchema,
  type CustomerMapping,
  type ProductMapping,
} from './mapping.js';
import { CsvError, readMappingCsv, writeCsv } from './mapping.csv.js';
import * as service from './mapping.service.js';

const TAGS = ['mappings'];
const idParams = z.object({ id: z.string().min(1).max(100) });
const PUT_DOC =
  'PUT replaces the whole set (rows not given are removed); `?mode=merge` upserts the rows given and keeps the others. ' +
  'Every row is checked against X3 first (items must exist, be active and sold; customers must exist and not be blocked); ' +
  'if any row fails, nothing is saved and 422 `invalid_input` lists every failing row in `details.problems`.';

function parseRows<T>(text: string, columns: [string, string], schema: z.ZodType<T[]>): T[] {
  let records: Array<Record<string, string>>;
  try {
    records = readMappingCsv(text, columns);
  } catch (err) {
    if (err instanceof CsvError)
      throw new ApiError(400, 'invalid_body', `The CSV file cannot be read: ${err.message}`);
    throw err;
  }
  const parsed = schema.safeParse(records);
  if (!parsed.success) {
    throw new ApiError(400, 'invalid_body', 'Some CSV rows are not valid', {
      fields: parsed.error.issues.map((i) => ({
        field: i.path.join('.'),
        // Row numbers as a spreadsheet shows them: the header is line 1.
        line: typeof i.path[0] === 'number' ? i.path[0] + 2 : undefined,
        message: i.message,
      })),
    });
  }
  return parsed.data;
}

export async function mappingRoutes(api: ApiInstance, deps: AppDeps): Promise<void> {
  const db = deps.store.db;
  const x3For = async (environmentId: string, id: string) =>
    (await deps.connections.get(environmentId, id)).client as unknown as OrdersX3;

  if (!api.hasContentTypeParser('text/csv')) {
    api.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  }

  interface Kind {
    name: 'products' | 'customers';
    columns: [string, string];
    list: z.ZodType<{ data: Array<Record<string, string>>; nextCursor: string | null }>;
    body: z.ZodType;
    rows: z.ZodType<Array<Record<string, string>>>;
    get(
      db: typeof deps.store.db,
      id: string,
      page?: service.MappingPageQuery,
    ): Promise<Array<Record<string, string>>>;
    key(r: Record<string, string>): string;
    put(env: string, id: string, rows: unknown[], mode: 'replace' | 'merge'): Promise<void>;
    row(r: Record<string, string>): string[];
    what: string;
  }
  const kinds: Kind[] = [
    {
      name: 'products' as const,
      columns: ['productCode', 'itemRef'] as [string, string],
      list: productMappingListSchema,
      body: productMappingPutBodySchema,
      rows: productMappingRowsSchema,
      get: service.getProductMappings,
      key: (r) => r.productCode!,
      put: (env: string, id: string, rows: unknown[], mode: 'replace' | 'merge') =>
        x3For(env, id).then((x3) => service.putProductMappings(db, x3, id, rows as ProductMapping[], mode)),
      row: (r) => [r.productCode!, r.itemRef!],
      what: 'product code → X3 item reference',
    },
    {
      name: 'customers' as const,
      columns: ['customerAccount', 'customerCode'] as [string, string],
      list: customerMappingListSchema,
      body: customerMappingPutBodySchema,
      rows: customerMappingRowsSchema,
      get: service.getCustomerMappings,
      key: (r) => r.customerAccount!,
      put: (env: string, id: string, rows: unknown[], mode: 'replace' | 'merge') =>
        x3For(env, id).then((x3) => service.putCustomerMappings(db, x3, id, rows as CustomerMapping[], mode)),
      row: (r) => [r.customerAccount!, r.customerCode!],
      what: 'customer account → X3 customer code',
    },
  ];

  for (const k of kinds) {
    const base = `/v1/connections/:id/mappings/${k.name}`;
    api.get(
      base,
      {
        schema: {
          tags: TAGS,
          summary: `Mappings ${k.what}`,
          description:
            'A list page in code order (`limit` default 50, max 500; `nextCursor` for the next page). PUT takes this body back as it is.',
          params: idParams,
          querystring: mappingListQuerySchema,
          response: { 200: k.list, ...errorResponses(400, 401, 404) },
        },
      },
      async (request) => {
        await getConnection(db, request.auth.environmentId, request.params.id);
        return service.pageMappings((page) => k.get(db, request.params.id, page), k.key, request.query);
      },
    );
    api.put(
      base,
      {
        schema: {
          tags: TAGS,
          summary: `Save mappings ${k.what}`,
          description: `The body is a bare list of rows or \`{ "data": [...] }\` as GET gives it. ${PUT_DOC}`,
          params: idParams,
          querystring: mappingPutQuerySchema,
          body: k.body,
          response: { 200: k.list, ...errorResponses(400, 401, 404, 422) },
        },
      },
      async (request) => {
        const rows = mappingRowsOf(
          request.body as Parameters<typeof mappingRowsOf<Record<string, string>>>[0],
        );
        await k.put(request.auth.environmentId, request.params.id, rows, request.query.mode);
        return { data: await k.get(db, request.params.id), nextCursor: null };
      },
    );
    api.get(
      `${base}.csv`,
      {
        schema: {
          tags: TAGS,
          summary: `Export mappings ${k.what} as CSV (header ${k.columns.join(',')})`,
          params: idParams,
          produces: ['text/csv'],
          response: { 200: z.string().describe('CSV'), ...errorResponses(401, 404) },
        },
      },
      async (request, reply) => {
        await getConnection(db, request.auth.environmentId, request.params.id);
        const rows = await k.get(db, request.params.id);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${k.name}-mappings.csv"`)
          .send(
            writeCsv(
              k.columns,
              rows.map((r) => k.row(r)),
            ),
          );
      },
    );
    api.put(
      `${base}.csv`,
      {
        schema: {
          tags: TAGS,
          summary: `Import mappings ${k.what} from CSV (Content-Type: text/csv)`,
          description: `The first line names the columns ${k.columns.join(' and ')} (any order). ${PUT_DOC}`,
          params: idParams,
          querystring: mappingPutQuerySchema,
          consumes: ['text/csv'],
          body: z.string().max(5_000_000),
          response: { 200: k.list, ...errorResponses(400, 401, 404, 415, 422) },
        },
      },
      async (request) => {
        const rows = parseRows(request.body, k.columns, k.rows);
        await k.put(request.auth.environmentId, request.params.id, rows, request.query.mode);
        return { data: await k.get(db, request.params.id), nextCursor: null };
      },
    );
  }

  api.post(
    '/v1/connections/:id/mappings/products/suggest',
    {
      schema: {
        tags: TAGS,
        summary: 'Suggest X3 items for product codes, ranked by score',
        description:
          'Scores: 1.0 exact code, 0.9 same code ignoring case and separators, below that similarity of code and name (trigrams and shared words). Only active, sold items are suggested. The item list is read from X3 once a minute at most per connection; `truncated` says when it held more than the 100,000 records compared.',
        params: idParams,
        body: productSuggestBodySchema,
        response: { 200: productSuggestResponseSchema, ...errorResponses(400, 401, 404, 502) },
      },
    },
    async (request) => {
      const x3 = await x3For(request.auth.environmentId, request.params.id);
      return service.suggestProductMappings(x3, request.body.products, request.body.limit);
    },
  );
  api.post(
    '/v1/connections/:id/mappings/customers/suggest',
    {
      schema: {
        tags: TAGS,
        summary: 'Suggest X3 customers for customer accounts, ranked by score',
        description:
          'Scored like product suggestions, from the account and the customer name when given. Blocked customers are not suggested.',
        params: idParams,
        body: customerSuggestBodySchema,
        response: { 200: customerSuggestResponseSchema, ...errorResponses(400, 401, 404, 502) },
      },
    },
    async (request) => {
      const x3 = await x3For(request.auth.environmentId, request.params.id);
      return service.suggestCustomerMappings(x3, request.body.customers, request.body.limit);
    },
  );
}
