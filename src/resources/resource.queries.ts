import { z } from 'zod';
import { strictQuery } from '../connections/strict-schema.js';

/**
 * Query strings of the business-document lists: paging, `include=raw`, and each list's filters.
 * Every schema is strict: a misspelt filter (`?updatedsince=`) is refused, not ignored, since
 * ignoring it would silently answer with every record.
 */

const realDate = z.iso.date();
const isoDate = z
  .string()
  .refine((v) => realDate.safeParse(v).success, 'a real date as YYYY-MM-DD, e.g. 2026-03-01');
const isoDateOrTimestamp = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/,
    'a date (YYYY-MM-DD) or an ISO 8601 timestamp with its zone (2026-03-01T08:00:00Z)',
  )
  .refine(
    (v) => realDate.safeParse(v.slice(0, 10)).success && !Number.isNaN(Date.parse(v)),
    'a real date or time: check the month, day, hours and minutes',
  );

const code = (max: number) => z.string().trim().min(1).max(max);

export const pagingQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .describe('Records per page, 1 to 500 (default 50).'),
  cursor: z.string().min(1).max(12_000).optional().describe('nextCursor of the previous page, unchanged.'),
  include: z.enum(['raw']).optional().describe('raw: add the untouched X3 record under `raw`.'),
};

export const includeQuery = strictQuery({ include: pagingQuery.include });

const updatedSince = isoDateOrTimestamp.optional().describe('Only records changed at or after this time.');
const from = isoDate.optional().describe('Document date on or after (YYYY-MM-DD).');
const to = isoDate.optional().describe('Document date on or before (YYYY-MM-DD).');
const search = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine(
    (v) => !v.includes('%'),
    'cannot contain "%": X3\'s like has no escape character, so it would act as a wildcard instead of matching a percent sign',
  )
  .optional()
  .describe('Code or name contains this text (no "%").');
const site = code(5).optional();

export const customerListQuery = strictQuery({ ...pagingQuery, updatedSince, search });
export const itemListQuery = strictQuery({
  ...pagingQuery,
  updatedSince,
  search,
  site: site.describe('Stock for this storage site only (adds stock to each item).'),
});
export const itemGetQuery = strictQuery({
  include: pagingQuery.include,
  site: site.describe('Stock for this site only.'),
});
export const salesOrderListQuery = strictQuery({
  ...pagingQuery,
  updatedSince,
  from,
  to,
  customer: code(15).optional(),
  site: site.describe('Sales site.'),
  customerOrderReference: code(30).optional(),
  search,
});
export const purchaseOrderListQuery = strictQuery({
  ...pagingQuery,
  updatedSince,
  from,
  to,
  supplier: code(15).optional(),
  site: site.describe('Purchase site.'),
  search,
});
export const supplierInvoiceListQuery = purchaseOrderListQuery;
export const journalEntryListQuery = strictQuery({
  ...pagingQuery,
  updatedSince,
  from,
  to,
  site,
  company: code(5).optional(),
  journal: code(5).optional(),
  type: code(5).optional().describe('Entry type, e.g. SPINV.'),
  search,
});
export const accountBalanceListQuery = strictQuery({
  ...pagingQuery,
  fiscalYear: z.coerce.number().int().min(1900).max(2999).optional(),
  company: code(5).optional(),
  account: code(20).optional(),
  site,
  ledgerType: z.coerce.number().int().min(1).max(10).optional(),
});
export const deliveryListQuery = strictQuery({
  ...pagingQuery,
  updatedSince,
  from,
  to,
  customer: code(15).optional(),
  site: site.describe('Shipping site.'),
  salesOrder: code(20).optional().describe('Deliveries of this sales order.'),
  search,
});

/** The filters a list query carries (everything but paging and include). */
export function filtersOf(query: Record<string, unknown>): Record<string, unknown> {
  const { limit: _l, cursor: _c, include: _i, ...filters } = query;
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
}
