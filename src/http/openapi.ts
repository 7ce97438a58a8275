import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const API_TITLE = 'x3bridge API';

/**
 * OpenAPI 3.1 generated from the routes' zod schemas, at /openapi.json, and a rendered
 * reference at /docs (assets served from this server, no CDN).
 */
export async function registerOpenApi(
  app: FastifyInstance,
  opts: { version: string; publicUrl: string | null },
) {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: API_TITLE,
        version: opts.version,
        description:
          'Connect Sage X3 tenants and read and write their business documents. Authenticate with ' +
          '`Authorization: Bearer <api key>`; errors answer `{ "error": { "code", "message", "details" } }`.',
      },
      servers: opts.publicUrl ? [{ url: opts.publicUrl }] : [],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key (`x3b_live_…`) from `x3bridge keys create`.',
          },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
    staticCSP: true,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
