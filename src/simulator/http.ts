// One request/response exchange and the helpers every route uses to read and answer it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthScheme } from './auth.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path as sent (still percent-encoded), without the query. */
  path: string;
  query: URLSearchParams;
  startedAt: number;
  cls?: string;
  authScheme: AuthScheme;
  fault?: string;
  /** Set by `commit_then_drop`: the work is done, then the socket is destroyed unanswered. */
  dropOnReply: boolean;
  status: number;
}

export function reply(
  ex: Exchange,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (ex.res.headersSent || ex.res.destroyed) return;
  if (ex.dropOnReply) {
    ex.status = 0;
    ex.req.socket.destroy();
    return;
  }
  ex.status = status;
  if (body === undefined) {
    ex.res.writeHead(status, headers);
    ex.res.end();
    return;
  }
  const text = JSON.stringify(body);
  ex.res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  ex.res.end(text);
}

export type BodyResult = { ok: true; text: string } | { ok: false; tooLarge: true };

/** Reads the body up to the limit; past it, stops collecting and tells the caller. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve({ ok: false, tooLarge: true });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', reject);
  });
}

export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  return value.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

export function queryObject(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) out[k] = v;
  return out;
}
