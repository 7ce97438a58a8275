// The control plane under `/__sim` (no auth): request log, fault rules, record dumps for
// assertions, shipping orders, folder settings and the clock.
import { once } from 'node:events';
import type { AuthService } from './auth.js';
import type { SimulatorClock } from './clock.js';
import { shipOrder, type ShipmentRequest } from './delivery.js';
import { renderRecord } from './envelope.js';
import type { FaultSet } from './faults.js';
import { storeOf, type Folder } from './folder.js';
import { isJsonContentType, readBody, reply, type Exchange } from './http.js';
import type { RequestLog } from './request-log.js';
import { BusinessRefusal } from './rules.js';
import { CLASSES } from './schema.js';
import type { FolderSettings } from './types.js';

export interface ControlContext {
  folders: Map<string, Folder>;
  faults: FaultSet;
  log: RequestLog;
  clock: SimulatorClock;
  auth: AuthService;
}

function fail(ex: Exchange, status: number, code: string, message: string, details?: unknown): void {
  reply(ex, status, { error: { code, message, ...(details !== undefined && { details }) } });
}

async function body(ex: Exchange): Promise<{ value: unknown } | undefined> {
  if (!isJsonContentType(ex.req.headers['content-type'])) {
    ex.req.resume();
    fail(ex, 400, 'invalid_body', 'send the body as application/json');
    return undefined;
  }
  const read = await readBody(ex.req);
  if (!read.ok) {
    fail(ex, 400, 'invalid_body', 'the body is larger than 1 MiB');
    return undefined;
  }
  try {
    return { value: read.text === '' ? {} : (JSON.parse(read.text) as unknown) };
  } catch {
    fail(ex, 400, 'invalid_body', 'the body is not valid JSON');
    return undefined;
  }
}

/** Streams every record of a class, a slice at a time, so a million-item dump stays small in memory. */
async function dump(ex: Exchange, folder: Folder, clsName: string): Promise<void> {
  const cls = CLASSES.get(clsName)!;
  const store = storeOf(folder, clsName);
  ex.status = 200;
  ex.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  ex.res.write('[');
  let after: string | undefined;
  let first = true;
  for (;;) {
    const slice: string[] = [];
    let last: string | undefined;
    for (const r of store.scan(after === undefined ? {} : { after })) {
      slice.push(JSON.stringify(renderRecord(folder, cls, r, false)));
      last = cls.keyFields.map((f) => String(r[f])).join('~');
      if (slice.length === 1000) break;
    }
    if (slice.length) {
      const chunk = (first ? '' : ',') + slice.join(',');
      first = false;
      if (!ex.res.write(chunk)) await once(ex.res, 'drain');
    }
    if (slice.length < 1000 || ex.res.destroyed) break;
    after = last;
  }
  ex.res.end(']');
}

function folderOf(ctx: ControlContext, ex: Exchange, code: string): Folder | undefined {
  let name = code;
  try {
    name = decodeURIComponent(code);
  } catch {
    // A malformed escape cannot name a folder; the lookup below reports it as unknown.
  }
  const folder = ctx.folders.get(name);
  if (!folder)
    fail(ex, 404, 'not_found', `no folder ${code}; folders: ${[...ctx.folders.keys()].join(', ')}`);
  return folder;
}

function applySettings(folder: Folder, value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return 'expected an object';
  const v = value as Partial<FolderSettings> & { auth?: Partial<FolderSettings['auth']> };
  if (v.refusalStyle !== undefined && v.refusalStyle !== 'status' && v.refusalStyle !== 'diagnosis') {
    return 'refusalStyle is status or diagnosis';
  }
  const s = folder.settings;
  if (typeof v.salesOrderCreate === 'boolean') s.salesOrderCreate = v.salesOrderCreate;
  if (typeof v.numericStrings === 'boolean') s.numericStrings = v.numericStrings;
  if (v.refusalStyle) s.refusalStyle = v.refusalStyle;
  if (v.auth) {
    for (const k of ['oauth2', 'connectedApp', 'basic'] as const)
      if (typeof v.auth[k] === 'boolean') s.auth[k] = v.auth[k];
  }
  return undefined;
}

export async function handleControl(ctx: ControlContext, ex: Exchange): Promise<void> {
  const parts = ex.path.split('/').slice(2);
  const route = `${ex.method} ${parts[0] ?? ''}`;
  switch (route) {
    case 'GET health':
      return reply(ex, 200, {
        status: 'ok',
        folders: [...ctx.folders.keys()],
        now: ctx.clock.now().toISOString(),
      });
    case 'GET requests':
      return reply(ex, 200, ctx.log.list());
    case 'DELETE requests':
      ctx.log.clear();
      return reply(ex, 204);
    case 'GET faults':
      return reply(ex, 200, { rules: ctx.faults.list() });
    case 'PUT faults': {
      const b = await body(ex);
      if (!b) return;
      const problem = ctx.faults.set(b.value);
      if (problem) return fail(ex, 400, 'invalid_body', problem);
      return reply(ex, 200, { rules: ctx.faults.list() });
    }
    case 'DELETE faults':
      ctx.faults.clear();
      return reply(ex, 204);
    case 'PUT clock': {
      const b = await body(ex);
      if (!b) return;
      const v = b.value as { now?: unknown; advanceSeconds?: unknown };
      if (typeof v.now === 'string' && !Number.isNaN(Date.parse(v.now))) ctx.clock.set(v.now);
      else if (typeof v.advanceSeconds === 'number') ctx.clock.advance(v.advanceSeconds * 1000);
      else return fail(ex, 400, 'invalid_body', 'send { "now": ISO time } or { "advanceSeconds": n }');
      return reply(ex, 200, { now: ctx.clock.now().toISOString() });
    }
    case 'POST tokens':
      if (parts[1] !== 'revoke') break;
      ctx.auth.revokeAll();
      return reply(ex, 204);
  }
  if (parts[0] === 'folders' && parts.length === 3) {
    const folder = folderOf(ctx, ex, parts[1]!);
    if (!folder) return;
    const what = parts[2]!;
    if (ex.method === 'GET' && CLASSES.has(what)) return dump(ex, folder, what);
    if (ex.method === 'POST' && what === 'deliveries') {
      const b = await body(ex);
      if (!b) return;
      const req = b.value as Partial<ShipmentRequest>;
      const linesOk =
        req.lines === undefined ||
        (Array.isArray(req.lines) &&
          req.lines.every((l) => typeof l?.lineNumber === 'number' && typeof l?.quantity === 'number'));
      if (typeof req.salesOrder !== 'string' || !linesOk) {
        return fail(ex, 400, 'invalid_body', 'expected { salesOrder, lines?: [{ lineNumber, quantity }] }');
      }
      try {
        const delivery = shipOrder({ folder, now: ctx.clock.now(), user: 'ADMIN' }, req as ShipmentRequest);
        return reply(ex, 201, renderRecord(folder, CLASSES.get('SDELIVERY')!, delivery, false));
      } catch (err) {
        if (err instanceof BusinessRefusal) return fail(ex, 422, 'x3_rejected', err.message, err.diagnoses);
        throw err;
      }
    }
    if (ex.method === 'PATCH' && what === 'settings') {
      const b = await body(ex);
      if (!b) return;
      const problem = applySettings(folder, b.value);
      if (problem) return fail(ex, 400, 'invalid_body', problem);
      return reply(ex, 200, folder.settings);
    }
    if (ex.method === 'GET' && what === 'settings') return reply(ex, 200, folder.settings);
  }
  return fail(ex, 404, 'not_found', `no control route ${ex.method} ${ex.path}`);
}
