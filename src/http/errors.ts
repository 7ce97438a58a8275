import { z } from 'zod';

/** Every error code the API answers with (one closed list; the body is `{ error: { code, message, details } }`). */
export const ERROR_CODES = [
  'unauthorized',
  'forbidden',
  'not_found',
  'invalid_body',
  'invalid_query',
  'invalid_params',
  'invalid_headers',
  'invalid_input',
  'invalid_host',
  'x3_unreachable',
  'x3_auth_failed',
  'x3_folder_not_found',
  'x3_permission_denied',
  'x3_rejected',
  'x3_unavailable',
  'unmapped_codes',
  'idempotency_conflict',
  'outcome_uncertain',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'not_ready',
  'server_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error that knows how it reaches HTTP. Messages are plain words and never carry a secret. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.headers = options?.headers;
  }
  readonly headers: Record<string, string> | undefined;
}

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export type ErrorBody = z.infer<typeof errorBodySchema>;

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Error responses to list in a route's schema, so they show in the OpenAPI document. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof errorBodySchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorBodySchema])) as Record<S, typeof errorBodySchema>;
}

export { x3ErrorToApiError } from './x3-errors.js';
