import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { OneLineRequestLog } from './request-log.js';

async function run(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = Fastify({
    loggerInstance: createLogger({ level, stream }) as FastifyBaseLogger,
    logController: new OneLineRequestLog(),
  });
  app.get('/things', async () => ({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  await app.inject({ method: 'GET', url: '/things?search=acme%20ltd' });
  await app.close();
  return lines;
}

describe('request log', () => {
  it('writes one line per request, without the query string', async () => {
    const lines = await run('info');
    const requestLines = lines.filter((l) => l.url !== undefined);
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ method: 'GET', url: '/things', statusCode: 200 });
    expect(typeof requestLines[0]!.ms).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('acme');
  });

  it('adds an incoming line at debug level', async () => {
    const lines = await run('debug');
    expect(lines.filter((l) => l.msg === 'incoming request')).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'request completed')).toHaveLength(1);
  });
});
