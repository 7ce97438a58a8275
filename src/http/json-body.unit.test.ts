import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerErrorHandling } from './error-handler.js';
import { registerJsonBodyParser } from './json-body.js';

const app = Fastify();
beforeAll(async () => {
  registerJsonBodyParser(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/check', async (request) => ({ body: request.body ?? null }));
  api.post('/things', { schema: { body: z.object({ name: z.string() }) } }, async () => ({ ok: true }));
  await app.ready();
});
afterAll(() => app.close());

const json = { 'content-type': 'application/json' };

describe('JSON bodies', () => {
  it('takes an empty body sent as JSON as no body', async () => {
    for (const payload of ['', '  \n']) {
      const res = await app.inject({ method: 'POST', url: '/check', headers: json, payload });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ body: null });
    }
  });

  it('still parses JSON and refuses what is not JSON', async () => {
    const ok = await app.inject({ method: 'POST', url: '/check', headers: json, payload: '{"a":1}' });
    expect(ok.json()).toEqual({ body: { a: 1 } });
    const bad = await app.inject({ method: 'POST', url: '/check', headers: json, payload: '{"a":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_body');
  });

  it('keeps the protection against prototype poisoning', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/check',
      headers: json,
      payload: '{"__proto__":{"polluted":true}}',
    });
    expect(res.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a route that needs a body says so when it gets none', async () => {
    const res = await app.inject({ method: 'POST', url: '/things', headers: json, payload: '' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_body');
  });
});
