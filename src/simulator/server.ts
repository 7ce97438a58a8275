// The HTTP front door: request log, web-service pool, fault injection, folder header rules
// and authentication, in the order X3 applies them, before the api1 routes run.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleApi, type ApiContext } from './api.js';
import { API_PREFIX, parseApiPath } from './api-path.js';
import { schemeOf, type AuthService } from './auth.js';
import { handleControl, type ControlContext } from './control.js';
import { diagnosis } from './envelope.js';
import type { FaultSet } from './faults.js';
import type { Folder } from './folder.js';
import { readBody, reply, queryObject, type Exchange } from './http.js';
import type { RequestLog } from './request-log.js';

export interface ServerContext extends ApiContext, ControlContext {
  folders: Map<string, Folder>;
  auth: AuthService;
  faults: FaultSet;
  log: RequestLog;
  poolSize: number;
  strictFolderHeader: boolean;
  onError(err: unknown): void;
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The whole request body, or null when the caller went away before sending all of it. */
function takeBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('close', () => resolve(req.readableEnded ? Buffer.concat(chunks) : null));
    req.once('error', () => resolve(null));
  });
}

/** Fires the matching fault rule; false when the exchange is finished (answered or dropped). */
async function applyFault(ctx: ServerContext, ex: Exchange): Promise<boolean> {
  const rule = ctx.faults.take({
    method: ex.method,
    path: decodedPath(ex.path),
    bearer: ex.authScheme === 'bearer',
    ...(ex.cls && { cls: ex.cls }),
  });
  if (!rule) return true;
  ex.fault = rule.action;
  switch (rule.action) {
    case 'reset':
      ex.status = 0;
      ex.req.socket.destroy();
      return false;
    case 'status': {
      const status = rule.status ?? 503;
      const severity = status >= 500 || status === 429 ? 'transient' : 'error';
      const headers: Record<string, string> =
        rule.retryAfter !== undefined ? { 'retry-after': String(rule.retryAfter) } : {};
      reply(ex, status, diagnosis(`Injected fault: HTTP ${status}`, severity), headers);
      return false;
    }
    case 'delay': {
      // X3 finishes a call it fully received even when the caller stopped waiting (a timed-out
      // create still commits), so a body is taken in during the wait and handed on afterwards.
      const held = ex.method === 'GET' || ex.method === 'HEAD' ? null : takeBody(ex.req);
      await sleep(rule.ms ?? 0);
      if (!held) return !ex.res.destroyed;
      const body = await held;
      if (body === null) return false;
      ex.req = Object.assign(Readable.from(body.length ? [body] : []), {
        headers: ex.req.headers,
        socket: ex.req.socket,
      }) as unknown as IncomingMessage;
      return true;
    }
    case 'commit_then_drop':
      ex.dropOnReply = true;
      return true;
    case 'token_expire':
      ctx.auth.revoke(ex.req.headers.authorization);
      return true;
  }
}

async function handleToken(ctx: ServerContext, ex: Exchange): Promise<void> {
  if (ex.method !== 'POST') {
    return reply(ex, 405, { error: 'invalid_request', error_description: 'use POST' }, { allow: 'POST' });
  }
  if (!(await applyFault(ctx, ex))) return;
  const type = (ex.req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    ex.req.resume();
    return reply(ex, 400, {
      error: 'invalid_request',
      error_description: 'send the form as application/x-www-form-urlencoded',
    });
  }
  const body = await readBody(ex.req, 64 * 1024);
  if (!body.ok)
    return reply(ex, 400, { error: 'invalid_request', error_description: 'the form is too large' });
  const answer = ctx.auth.mintToken(ex.req.headers.authorization, new URLSearchParams(body.text));
  reply(ex, answer.status, answer.body, answer.headers);
}

async function handleApiRequest(
  ctx: ServerContext,
  ex: Exchange,
  inflight: Map<string, number>,
): Promise<void> {
  const target = parseApiPath(ex.path);
  if (target.cls) ex.cls = target.cls;
  const folder = target.folder === undefined ? undefined : ctx.folders.get(target.folder);
  const header = ex.req.headers['x-sage-folder'];
  const folderHeader = Array.isArray(header) ? header[0] : header;
  if (folderHeader !== undefined && folderHeader !== target.folder) {
    return reply(
      ex,
      400,
      diagnosis(
        `The X-Sage-Folder header (${folderHeader}) differs from the folder in the path (${target.folder ?? ''})`,
      ),
    );
  }
  if (folderHeader === undefined && ctx.strictFolderHeader) {
    return reply(ex, 400, diagnosis('The X-Sage-Folder header is required'));
  }
  if (folder) {
    const busy = inflight.get(folder.code) ?? 0;
    if (busy >= ctx.poolSize) {
      return reply(
        ex,
        503,
        diagnosis('No web service channel available: the pool is busy, retry later', 'transient'),
        {
          'retry-after': '1',
        },
      );
    }
    inflight.set(folder.code, busy + 1);
    ex.res.once('close', () => inflight.set(folder.code, (inflight.get(folder.code) ?? 1) - 1));
  }
  if (!(await applyFault(ctx, ex))) return;
  const auth = await ctx.auth.authenticate(
    ex.req.headers.authorization,
    folder?.settings.auth ?? { oauth2: true, connectedApp: true, basic: true },
  );
  if (!auth.ok) return reply(ex, 401, { $diagnoses: auth.diagnoses }, { 'www-authenticate': auth.challenge });
  if (!folder) {
    return reply(
      ex,
      404,
      diagnosis(`The endpoint ${target.folder ?? ''} does not exist: no such folder on this server`),
    );
  }
  if (!target.ok) return reply(ex, target.status, diagnosis(target.message));
  await handleApi(ctx, ex, target, folder, auth.principal);
}

export function createSimulatorServer(ctx: ServerContext): Server {
  const inflight = new Map<string, number>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const ex: Exchange = {
      req,
      res,
      method: (req.method ?? 'GET').toUpperCase(),
      path: q < 0 ? url : url.slice(0, q),
      query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
      startedAt: performance.now(),
      authScheme: schemeOf(req.headers.authorization),
      dropOnReply: false,
      status: 0,
    };
    if (ex.path === '/__sim' || ex.path.startsWith('/__sim/')) return handleControl(ctx, ex);
    const header = req.headers['x-sage-folder'];
    // An entry is written once the answer is gone and the work is done, whichever comes last:
    // a test that sees the entry knows the call can no longer change the folder.
    let closed = false;
    let handled = false;
    const record = () =>
      ctx.log.add({
        method: ex.method,
        path: decodedPath(ex.path),
        query: queryObject(ex.query),
        folderHeader: (Array.isArray(header) ? header[0] : header) ?? null,
        authScheme: ex.authScheme,
        status: ex.status,
        ms: Math.round((performance.now() - ex.startedAt) * 100) / 100,
        time: new Date().toISOString(),
        ...(ex.cls && { class: ex.cls }),
        ...(ex.fault && { fault: ex.fault }),
      });
    res.once('close', () => {
      closed = true;
      if (handled) record();
    });
    try {
      if (ex.path === '/oauth2/token') return await handleToken(ctx, ex);
      if (ex.path.startsWith(API_PREFIX)) return await handleApiRequest(ctx, ex, inflight);
      if (!(await applyFault(ctx, ex))) return;
      reply(
        ex,
        404,
        diagnosis(`Unknown path ${decodedPath(ex.path)}: the REST API lives under ${API_PREFIX}`),
      );
    } finally {
      handled = true;
      if (closed) record();
    }
  };
  return createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      ctx.onError(err);
      const ex = { req, res, dropOnReply: false, status: 0 } as unknown as Exchange;
      reply(ex, 500, diagnosis('Internal simulator error', 'fatal'));
    });
  });
}
