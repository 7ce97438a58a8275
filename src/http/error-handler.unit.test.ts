import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { X3AuthError, X3RejectedError, X3UnavailableError } from '../x3/errors.js';
import { createLogger } from '../observability/logger.js';
import { registerErrorHandling } from './error-handler.js';
import { ApiError, x3ErrorToApiError } from './errors.js';

const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    done();
  },
});

const app = Fastify({
  loggerInstance: createLogger({ level: 'info', stream: sink }) as FastifyBaseLogger,
  bodyLimit: 64,
});
beforeAll(async () => {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/things/:id',
    {
      schema: {
        params: z.object({ id: z.string().regex(/^t_/) }),
        querystring: z.object({ limit: z.coerce.number().int().max(500).optional() }),
        body: z.object({ name: z.string().min(1), qty: z.number().positive() }),
      },
    },
    async () => ({ ok: true }),
  );
  api.get('/boom', async () => {
    throw new Error('database password=hunter2 leaked into an internal error');
  });
  api.get('/api-error', async () => {
    throw new ApiError(409, 'idempotency_conflict', 'Same key, different body.', { key: 'k1' });
  });
  api.get('/x3-rejected', async () => {
    throw new X3RejectedError('X3 refused the order', [{ severity: 'error', message: 'Customer blocked' }], {
      status: 200,
    });
  });
  await app.ready();
});
afterAll(() => app.close());

const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });

describe('error handler', () => {
  it('names every invalid body field', async () => {
    const res = await post('/things/t_1', JSON.stringify({ name: '', qty: -1 }));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('invalid_body');
    expect(body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['name', 'qty']);
    expect(body.error.message).toMatch(/name: .*qty: /);
  });

  it('tells query and path errors apart', async () => {
    const q = await post('/things/t_1?limit=9999', JSON.stringify({ name: 'a', qty: 1 }));
    expect(q.statusCode).toBe(400);
    expect(q.json().error).toMatchObject({ code: 'invalid_query', details: { issues: [{ path: 'limit' }] } });
    const p = await post('/things/x_1', JSON.stringify({ name: 'a', qty: 1 }));
    expect(p.json().error).toMatchObject({ code: 'invalid_params', details: { issues: [{ path: 'id' }] } });
  });

  it('answers malformed JSON with invalid_body', async () => {
    const res = await post('/things/t_1', '{"name": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'invalid_body', message: 'The request body is not valid JSON.' },
    });
  });

  it('answers a body over the limit with 413', async () => {
    const res = await post('/things/t_1', JSON.stringify({ name: 'x'.repeat(200), qty: 1 }));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await post('/things/t_1', 'name=a', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });

  it('answers unknown routes in the error shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /nowhere.' } });
  });

  it('hides internals of unknown errors and logs them once', async () => {
    lines.length = 0;
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('server_error');
    expect(res.body).not.toContain('hunter2');
    expect(lines.filter((l) => l.msg === 'unhandled error')).toHaveLength(1);
  });

  it('passes ApiError and X3 errors through with their status and details', async () => {
    const conflict = await app.inject({ method: 'GET', url: '/api-error' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toEqual({
      error: { code: 'idempotency_conflict', message: 'Same key, different body.', details: { key: 'k1' } },
    });
    const rejected = await app.inject({ method: 'GET', url: '/x3-rejected' });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json().error).toMatchObject({
      code: 'x3_rejected',
      details: { diagnoses: [{ severity: 'error', message: 'Customer blocked' }] },
    });
  });
});

describe('x3ErrorToApiError', () => {
  it('maps stored-connection failures to 502 and wizard input to 422', () => {
    const err = new X3AuthError('The token endpoint refused the client id and secret.', { status: 401 });
    expect(x3ErrorToApiError(err)).toMatchObject({ status: 502, code: 'x3_auth_failed' });
    expect(x3ErrorToApiError(err, { inputFromRequest: true })).toMatchObject({
      status: 422,
      code: 'x3_auth_failed',
    });
  });

  it('carries Retry-After for an unavailable X3', () => {
    const mapped = x3ErrorToApiError(
      new X3UnavailableError('X3 is busy', { status: 429, retryAfterMs: 2500 }),
    );
    expect(mapped).toMatchObject({ status: 503, code: 'x3_unavailable', headers: { 'retry-after': '3' } });
  });

  it('ignores other errors', () => {
    expect(x3ErrorToApiError(new Error('x'))).toBeNull();
  });
});
