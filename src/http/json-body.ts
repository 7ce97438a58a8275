import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies as Fastify parses them (with its prototype-poisoning protection), except that an
 * empty body is no body: many HTTP clients send `Content-Type: application/json` on a POST
 * that carries nothing (`POST /v1/connections/{id}/check`), and refusing those as "not valid
 * JSON" would be a dead end. Routes that need a body still say so through their schema.
 */
export function registerJsonBodyParser(server: FastifyInstance): void {
  const parseJson = server.getDefaultJsonParser('error', 'error');
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, typeof body === 'string' ? body : body.toString('utf8'), done);
  });
}
