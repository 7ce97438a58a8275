import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One log line per request at info level, written when it completes (`method`, `url`, `statusCode`, `ms`),
 * instead of Fastify's two ("incoming request" and "request completed"): half the lines for
 * the same facts, and the request id, environment and key ids ride on the request's logger.
 * Query strings are cut from the logged URL: they may carry search terms, never needed to
 * trace a request.
 */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export class OneLineRequestLog extends LogController {
  // At debug level only, for tracing a request that never completes.
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: pathOf(request.url) }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      url: pathOf(request.url),
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
