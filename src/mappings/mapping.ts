import { z } from 'zod';

/** Codes on both sides are trimmed and must be non-empty; X3 references are at most 30 characters. */
const code = (max: number) => z.string().trim().min(1).max(max);

export const productMappingSchema = z.object({
  productCode: code(100),
  itemRef: code(30),
});
export type ProductMapping = z.infer<typeof productMappingSchema>;

export const customerMappingSchema = z.object({
  customerAccount: code(100),
  customerCode: code(15),
});
export type CustomerMapping = z.infer<typeof customerMappingSchema>;

export const productMappingOutSchema = productMappingSchema.extend({ updatedAt: z.string() });
export const customerMappingOutSchema = customerMappingSchema.extend({ updatedAt: z.string() });

export const productMappingListSchema = z.object({ data: z.array(productMappingOutSchema) });
export const customerMappingListSchema = z.object({ data: z.array(customerMappingOutSchema) });

/**
 * PUT replaces the whole set by default (a PUT body is the new truth, so repeating it is harmless);
 * `?mode=merge` upserts the rows given and leaves the others alone.
 */
export const mappingPutQuerySchema = z.object({
  mode: z.enum(['replace', 'merge']).default('replace'),
});
export type MappingPutMode = z.infer<typeof mappingPutQuerySchema>['mode'];

export const productMappingPutBodySchema = z.array(productMappingSchema).max(10_000);
export const customerMappingPutBodySchema = z.array(customerMappingSchema).max(10_000);

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

export const productSuggestBodySchema = z.object({
  products: z
    .array(z.object({ productCode: code(100), name: z.string().max(200).optional() }))
    .min(1)
    .max(500),
  limit: z.number().int().min(1).max(20).default(3),
});
export const customerSuggestBodySchema = z.object({
  customers: z
    .array(z.object({ customerAccount: code(100), name: z.string().max(200).optional() }))
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

export const productSuggestResponseSchema = z.object({
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
