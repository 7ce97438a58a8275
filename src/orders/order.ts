import { z } from 'zod';

/** X3 keeps the quote id in CUSORDREF, which holds 30 characters. */
export const QUOTE_ID_MAX = 30;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const money = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number')]);

/**
 * The shape of an accepted quote. Quantities and dates are only checked for shape here: a zero
 * quantity or a past date is a business problem answered with 422 naming every line at fault.
 */
export const acceptQuoteBodySchema = z.strictObject({
  customerAccount: z.string().trim().min(1).max(100),
  requestedDeliveryDate: isoDate,
  reference: z.string().max(200).optional(),
  site: z.string().trim().min(1).max(5).optional(),
  currency: z.string().trim().length(3).optional(),
  lines: z
    .array(
      // Strict: a misspelt `unitprice` must not be dropped and the order go in at X3's base price.
      z.strictObject({
        productCode: z.string().trim().min(1).max(100),
        quantity: z.number().finite(),
        unitPrice: money.optional(),
        requestedDeliveryDate: isoDate.optional(),
      }),
    )
    .min(1)
    .max(500),
});
export type AcceptQuoteBody = z.infer<typeof acceptQuoteBodySchema>;

export const quoteParamsSchema = z.object({ id: z.string(), quoteId: z.string() });

export const quoteStatusSchema = z.enum(['pending', 'sending', 'created', 'failed']);
export type QuoteStatus = z.infer<typeof quoteStatusSchema>;

/** The accept answer's status: `sending` (another process holds the quote right now) reads as pending here. */
export const acceptStatusSchema = z.enum(['created', 'pending']);

export const acceptQuoteResponseSchema = z.object({
  quoteId: z.string(),
  status: acceptStatusSchema,
  orderNumber: z.string().nullable(),
  replayed: z.boolean(),
});
export type AcceptQuoteResponse = z.infer<typeof acceptQuoteResponseSchema>;

/** What the quote becomes once its codes are translated: the input of the X3 create. */
export interface OrderDraft {
  customerCode: string;
  customerOrderReference: string;
  salesSite: string | null;
  currency: string | null;
  requestedDeliveryDate: string;
  lines: Array<{
    itemRef: string;
    quantity: number;
    grossPrice: string | null;
    requestedDeliveryDate: string;
  }>;
}

export const attemptOutcomeSchema = z.enum([
  'in_flight',
  'created',
  'adopted',
  'rejected',
  'unavailable',
  'uncertain',
  'not_found',
  // X3 holds the quote's reference on orders that are not the quote's: neither adopted nor sent.
  'conflict',
]);
export type AttemptOutcome = z.infer<typeof attemptOutcomeSchema>;

export const quoteErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type QuoteError = z.infer<typeof quoteErrorSchema>;

export const quoteAttemptSchema = z.object({
  number: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: attemptOutcomeSchema,
  lookup: z.boolean(),
  orderNumber: z.string().nullable(),
  error: quoteErrorSchema.nullable(),
});

export const quoteSchema = z.object({
  quoteId: z.string(),
  connectionId: z.string(),
  status: quoteStatusSchema,
  orderNumber: z.string().nullable(),
  customerAccount: z.string(),
  customerCode: z.string(),
  reference: z.string().nullable(),
  requestedDeliveryDate: z.string(),
  lines: z.array(
    z.object({
      productCode: z.string(),
      itemRef: z.string(),
      quantity: z.number(),
      unitPrice: z.string().nullable(),
    }),
  ),
  attemptCount: z.number().int(),
  lastError: quoteErrorSchema.nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type QuoteApi = z.infer<typeof quoteSchema>;
export const quoteDetailSchema = quoteSchema.extend({ attempts: z.array(quoteAttemptSchema) });

export const quoteListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
  status: quoteStatusSchema.optional(),
});
export const quoteListSchema = z.object({ data: z.array(quoteSchema), nextCursor: z.string().nullable() });

/** One business problem with an accepted quote, named by the field at fault. */
export interface QuoteProblem {
  field: string;
  code:
    | 'non_positive_quantity'
    | 'date_in_past'
    | 'invalid_date'
    | 'unknown_site'
    | 'customer_blocked'
    | 'customer_not_found'
    | 'item_inactive'
    | 'item_not_sellable'
    | 'item_not_found'
    | 'reference_in_use';
  message: string;
}
