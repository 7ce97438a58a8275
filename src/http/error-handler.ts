import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { ApiError, errorBody, type ErrorCode } from './errors.js';
import { x3ErrorToApiError } from './x3-errors.js';

const CONTEXT_CODES: Record<string, ErrorCode> = {
  body: 'invalid_body',
  querystring: 'invalid_query',
  params: 'invalid_params',
  headers: 'invalid_headers',
};

const CONTEXT_WORDS: Record<string, string> = {
  body: 'request body',
  querystring: 'query string',
  params: 'path',
  headers: 'headers',
};

function issuePath(instancePath: string): string {
  return instancePath.replace(/^\//, '').replace(/\//g, '.');
}

function send(reply: FastifyReply, err: ApiError): FastifyReply {
  if (err.headers) reply.headers(err.headers);
  return reply.status(err.status).send(errorBody(err.code, err.message, err.details));
}

/** Turns any error into the one error body; unknown ones are logged once and become server_error. */
export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  const fromX3 = x3ErrorToApiError(err);
  if (fromX3) return fromX3;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const context = (err as { validationContext?: string }).validationContext ?? 'body';
    const issues = err.validation.map((v) => ({
      path: issuePath(v.instancePath),
      message: v.message ?? 'is invalid',
    }));
    const listed = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    return new ApiError(
      400,
      CONTEXT_CODES[context] ?? 'invalid_body',
      `The ${CONTEXT_WORDS[context] ?? context} is not valid: ${listed}`,
      { issues },
    );
  }
  // A service validating with zod itself (outside the route schema) meant the body.
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return new ApiError(
      400,
      'invalid_body',
      `The request body is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      {
        issues,
      },
    );
  }
  const fastifyError = err as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'invalid_body', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', 'The request body is larger than this server accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(
        415,
        'unsupported_media_type',
        'This route does not take a body of that Content-Type: send application/json (text/csv on the mapping .csv routes).',
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'invalid_body', 'The Content-Length header does not match the body.');
  }
  if (
    fastifyError.statusCode === 400 &&
    typeof fastifyError.message === 'string' &&
    fastifyError.code?.startsWith('FST_ERR_CTP')
  ) {
    return new ApiError(400, 'invalid_body', 'The request body could not be read.');
  }
  return null;
}

export function registerErrorHandling(
  app: FastifyInstance,
  opts: { spaFallback?: ((request: FastifyRequest, reply: FastifyReply) => boolean) | null } = {},
): void {
  app.setErrorHandler((err, request, reply) => {
    const apiError = toApiError(err);
    if (apiError) {
      if (apiError.status >= 500) request.log.warn({ err, code: apiError.code }, apiError.message);
      return send(reply, apiError);
    }
    request.log.error({ err }, 'unhandled error');
    return send(
      reply,
      new ApiError(500, 'server_error', 'Something went wrong on our side. The error has been logged.'),
    );
  });
  app.setNotFoundHandler((request, reply) => {
    if (opts.spaFallback?.(request, reply)) return reply;
    return send(
      reply,
      new ApiError(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}.`),
    );
  });
}
