import { z } from 'zod';

/** Codes on both sides are trimmed and must be non-empty; X3 references are at most 30 characters. */
const code = (max: number) => z.string().trim().min(1).max(max);

// Strict rows and bodies: an unknown (say misspelt) field is a 400 naming it, never silently dropped.
export const productMappingSchema = z.strictObject({
  productCode: code(100),
  itemRef: code(30),
});
export type ProductMapping = z.infer<typeof productMappingSchema>;

export const customerMappingSchema = z.strictObject({
  customerAccount: code(100),
  customerCode: code(15),
});
export type CustomerMapping = z.infer<typeof customerMappingSchema>;

export const productMappingOutSchema = productMappingSchema.extend({ updatedAt: z.string() });
export const customerMappingOutSchema = customerMappingSchema.extend({ updatedAt: z.string() });

export const productMappingListSchema = z.object({
  data: z.array(productMappingOutSchema),
  nextCursor: z.string().nullable(),
});
export const customerMappingListSchema = z.object({
  data: z.array(customerMappingOutSchema),
  nextCursor: z.string().nullable(),
});

export const mappingListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

/**
 * PUT replaces the whole set by default (a PUT body is the new truth, so repeating it is harmless);
 * `?mode=merge` upserts the rows given and leaves the others alone.
 */
export const mappingPutQuerySchema = z.object({
  mode: z.enum(['replace', 'merge']).default('replace'),
});
export type MappingPutMode = z.infer<typeof mappingPutQuerySchema>['mode'];

/** The rows alone, as the CSV import reads them. */
export const productMappingRowsSchema = z.array(productMappingSchema).max(10_000);
export const customerMappingRowsSchema = z.array(customerMappingSchema).max(10_000);

/**
 * PUT takes a bare list or the `{ data: [...] }` that GET gives out, so a GET's body can be
 * PUT back as it is (the `updatedAt` GET adds is accepted and ignored there).
 */
function putBody<T extends z.ZodObject>(row: T) {
  const rows = z.array(row).max(10_000);
  const echoed = z.array(row.extend({ updatedAt: z.string().optional() }).strict()).max(10_000);
  return z.union([rows, z.strictObject({ data: echoed, nextCursor: z.string().nullable().optional() })]);
}
export const productMappingPutBodySchema = putBody(productMappingSchema);
export const customerMappingPutBodySchema = putBody(customerMappingSchema);

/** The rows of a PUT body in either shape, without the fields GET adds. */
export function mappingRowsOf<T extends object>(
  body: T[] | { data: Array<T & { updatedAt?: string | undefined }> },
): T[] {
  if (Array.isArray(body)) return body;
  return body.data.map((r) => {
    const { updatedAt: _ignored, ...row } = r;
    return row as T;
  });
}

/** One problem found when checking mapping rows against X3, named by its row. */
export interface MappingProblem {
  row: number;
  field: string;
  value: string;
  code:
    | 'item_not_found'
    | 'item_inactive'
    | 'item_not_sellable'
    | 'customer_not_found'
    | 'customer_blocked'
    | 'duplicate';
  message: string;
}

export const productSuggestBodySchema = z.strictObject({
  products: z
    .array(z.strictObject({ productCode: code(100), name: z.string().max(200).optional() }))
    .min(1)
    .max(500),
  limit: z.number().int().min(1).max(20).default(3),
});
export const customerSuggestBodySchema = z.strictObject({
  customers: z
    .array(z.strictObject({ customerAccount: code(100), name: z.string().max(200).optional() }))
    .min(1)
    .max(500),
  limit: z.number().int().min(1).max(20).default(3),
});

export const suggestionReasonSchema = z.enum([
  'exact_code',
  'normalized_code',
  'similar_code',
  'similar_name',
]);
export type SuggestionReason = z.infer<typeof suggestionReasonSchema>;

const truncated = z
  .boolean()
  .describe(
    'True when X3 held more records than suggestions compare against (100,000): some may be missing.',
  );

export const productSuggestResponseSchema = z.object({
  truncated,
  data: z.array(
    z.object({
      productCode: z.string(),
      suggestions: z.array(
        z.object({
          itemRef: z.string(),
          description: z.string().nullable(),
          score: z.number(),
          reason: suggestionReasonSchema,
        }),
      ),
    }),
  ),
});
export const customerSuggestResponseSchema = z.object({
  truncated,
  data: z.array(
    z.object({
      customerAccount: z.string(),
      suggestions: z.array(
        z.object({
          customerCode: z.string(),
          name: z.string().nullable(),
          score: z.number(),
          reason: suggestionReasonSchema,
        }),
      ),
    }),
  ),
});
