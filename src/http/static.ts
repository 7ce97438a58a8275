import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isApiPath } from './auth.js';

/** Built admin UI: `web/dist` at the package root (one level above both src/ and dist/). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const SERVER_PATHS = ['/openapi.json', '/docs', '/metrics', '/healthz', '/readyz'];

/**
 * Serves the admin UI's files at `/` when they have been built. Returns the SPA fallback for
 * the not-found handler: a browser GET of a client-side route answers index.html.
 */
export async function registerStatic(
  app: FastifyInstance,
  root: string = WEB_DIST,
): Promise<((request: FastifyRequest, reply: FastifyReply) => boolean) | null> {
  if (!existsSync(`${root}/index.html`)) return null;
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: true, index: ['index.html'] });
  return (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = request.url.split('?')[0] ?? '/';
    if (isApiPath(path) || SERVER_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return false;
    // A missing asset (say /assets/app.js) is a real 404, not the app shell.
    if (/\.[a-z0-9]+$/i.test(path)) return false;
    if (!(request.headers.accept ?? '').includes('text/html')) return false;
    void reply.type('text/html').sendFile('index.html');
    return true;
  };
}
