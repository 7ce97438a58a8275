// The api1 resource routes, once the caller is authenticated and the folder known:
// representation and facet checks, reads, `$query` feeds, `$template`, `$prototypes` and writes.
import type { SimulatorClock } from './clock.js';
import { createCustomer, deleteCustomer, updateCustomer } from './customer.js';
import { diagnosis, renderRecord } from './envelope.js';
import { storeOf, type Folder } from './folder.js';
import { isJsonContentType, readBody, reply, type Exchange } from './http.js';
import { QueryError, runQuery, type QueryLimits } from './query.js';
import { BusinessRefusal, type WriteContext } from './rules.js';
import { createSalesOrder } from './sales-order.js';
import { CLASSES, type ClassDef, type PropDef } from './schema.js';
import type { Diagnosis, Facet, X3Record } from './types.js';
import { BLANK, EMPTY_DATE, isoDate } from './util.js';
import type { ApiTarget } from './api-path.js';
import type { Principal } from './auth.js';

export interface ApiContext {
  clock: SimulatorClock;
  limits: QueryLimits;
  baseUrl(): string;
}

const FACETS: Facet[] = ['$query', '$details', '$edit', '$create', '$lookup', '$summary'];
const NOT_FOUND: Diagnosis = { $severity: 'error', $message: '721 : Record does not exist' };

type Ok = Extract<ApiTarget, { ok: true }>;

function bad(ex: Exchange, status: number, message: string, sdataCode?: string): void {
  reply(ex, status, diagnosis(message, 'error', sdataCode));
}

function parseRepresentation(ex: Exchange, cls: ClassDef, text: string | null): Facet | undefined {
  if (text === null || text === '') {
    bad(ex, 400, `The representation parameter is missing (expected ${cls.name}.$query or another facet)`);
    return undefined;
  }
  const m = /^([A-Za-z0-9_]+)\.(\$[A-Za-z]+)$/.exec(text);
  if (!m) {
    bad(ex, 400, `Bad representation ${text}: expected REPRESENTATION.$facet`);
    return undefined;
  }
  if (m[1] !== cls.name) {
    bad(ex, 400, `The representation ${m[1]} does not exist for the class ${cls.name}`);
    return undefined;
  }
  const facet = m[2] as Facet;
  if (!FACETS.includes(facet)) {
    bad(ex, 400, `The facet ${m[2]} does not exist`);
    return undefined;
  }
  return facet;
}

function recordUrl(ctx: ApiContext, folder: Folder, cls: ClassDef, key: string): string {
  const quoted = `'${key.replace(/'/g, "''")}'`;
  return `${ctx.baseUrl()}/api1/x3/erp/${folder.code}/${cls.name}(${encodeURIComponent(quoted)})?representation=${cls.name}.$details`;
}

function feedUrl(ctx: ApiContext, ex: Exchange, key: string): string {
  const params = new URLSearchParams(ex.query);
  params.set('key', key);
  // X3 leaves `$` readable in its links (`representation=SORDER.$query`).
  return `${ctx.baseUrl()}${ex.path}?${params.toString().replace(/%24/g, '$')}`;
}

function link(url: string): { $url: string; $type: string; $method: string } {
  return { $url: url, $type: 'application/json', $method: 'GET' };
}

/** A write the business rules refused, answered in the folder's documented refusal style. */
function refuse(ex: Exchange, folder: Folder, diagnoses: Diagnosis[], successStatus: number): void {
  reply(ex, folder.settings.refusalStyle === 'status' ? 400 : successStatus, { $diagnoses: diagnoses });
}

async function readJson(ex: Exchange): Promise<{ value: unknown } | undefined> {
  if (!isJsonContentType(ex.req.headers['content-type'])) {
    ex.req.resume();
    bad(ex, 400, 'The request body must be sent as application/json');
    return undefined;
  }
  const body = await readBody(ex.req);
  if (!body.ok) {
    reply(ex, 400, diagnosis('The request body is larger than 1 MiB'), { connection: 'close' });
    return undefined;
  }
  try {
    return { value: JSON.parse(body.text) as unknown };
  } catch {
    bad(ex, 400, 'The request body is not valid JSON');
    return undefined;
  }
}

function templateFor(ctx: ApiContext, folder: Folder, cls: ClassDef): X3Record {
  const blank = (d: PropDef): unknown => {
    const one =
      d.type === 'string' ? BLANK : d.type === 'date' ? EMPTY_DATE : d.type === 'datetime' ? undefined : 0;
    return d.dim ? Array.from({ length: d.dim }, () => one) : one;
  };
  const out: X3Record = {};
  for (const d of cls.props) {
    const v = blank(d);
    if (v !== undefined && !['CREUSR', 'UPDUSR'].includes(d.name)) out[d.name] = v;
  }
  if (cls.lines) out[cls.lines.name] = [];
  const today = isoDate(ctx.clock.now());
  if (cls.name === 'SORDER') {
    const salesSite = [...storeOf(folder, 'FACILITY').scan()].find((f) => f.SALFLG === 2);
    Object.assign(out, {
      SOHTYP: 'SON',
      SALFCY: salesSite?.FCY ?? BLANK,
      ORDDAT: today,
      CUR: folder.currency,
      ORDSTA: 1,
      DLVSTA: 1,
      INVSTA: 1,
    });
  }
  if (cls.name === 'BPCUSTOMER') {
    Object.assign(out, {
      BPCSTA: 2,
      CUR: folder.currency,
      PTE: '30DAYS',
      VACBPR: 'DOM',
      BPAADD: 'MAIN',
      BCGCOD: 'TRADE',
      CRY: 'GB',
    });
  }
  return renderRecord(folder, cls, out, false);
}

const X3_TYPES: Record<PropDef['type'], string> = {
  string: 'application/x-string',
  integer: 'application/x-integer',
  quantity: 'application/x-quantity',
  decimal: 'application/x-decimal',
  date: 'application/x-date',
  datetime: 'application/x-datetime',
  enum: 'application/x-choice',
};

function describe(defs: PropDef[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of defs) {
    const item: Record<string, unknown> = { $type: X3_TYPES[d.type], $isMandatory: d.mandatory === true };
    if (d.maxLength !== undefined) item.$maxLength = d.maxLength;
    if (d.type === 'decimal') item.$x3Format = '15.2';
    out[d.name] = d.dim ? { $type: 'application/x-array', $dim: d.dim, $item: item } : item;
  }
  return out;
}

function prototypeFor(cls: ClassDef, facet: Facet): Record<string, unknown> {
  const properties = describe(cls.props);
  if (cls.lines) {
    properties[cls.lines.name] = {
      $type: 'application/x-array',
      $item: { $properties: describe(cls.lines.props) },
    };
  }
  return { $representation: cls.name, $facet: facet, $properties: properties };
}

/**
 * X3 answers a successful create with warnings on the lines it could not fully allocate:
 * diagnoses inside lines that a client must read but not treat as failures.
 */
function withLineWarnings(entry: X3Record): X3Record {
  const lines = entry.SOHSOP as X3Record[] | undefined;
  for (const line of lines ?? []) {
    const allocated = Number(line.ALLQTY);
    const needed = Number(line.QTYSTU);
    if (allocated < needed) {
      line.$diagnoses = [
        {
          $severity: 'warning',
          $message: `Stock shortage on ${String(line.ITMREF)}: ${allocated} allocated of ${needed}`,
        },
      ];
    }
  }
  return entry;
}

export async function handleApi(
  ctx: ApiContext,
  ex: Exchange,
  target: Ok,
  folder: Folder,
  principal: Principal,
): Promise<void> {
  const cls = CLASSES.get(target.cls);
  if (!cls) return bad(ex, 404, `The class ${target.cls} does not exist in the folder ${folder.code}`);
  if (principal.deniedClasses.includes(cls.name)) {
    return reply(ex, 403, {
      $diagnoses: [
        { $severity: 'error', $message: `No rights on ${cls.name}: access denied for ${principal.id}` },
      ],
    });
  }
  if (target.sub === 'prototypes') {
    const m = /^([A-Za-z0-9_]+)\.(\$[A-Za-z]+)$/.exec(target.prototype ?? '');
    if (!m || m[1] !== cls.name || !cls.facets.includes(m[2] as Facet)) {
      return bad(ex, 404, `The prototype ${target.prototype ?? ''} does not exist for the class ${cls.name}`);
    }
    return ex.method === 'GET'
      ? reply(ex, 200, prototypeFor(cls, m[2] as Facet))
      : bad(ex, 405, 'Only GET is allowed here');
  }
  const facet = parseRepresentation(ex, cls, ex.query.get('representation'));
  if (!facet) return;
  if (!cls.facets.includes(facet)) {
    const what = facet === '$create' ? 'creation' : facet === '$edit' ? 'modification' : `the facet ${facet}`;
    return bad(ex, 400, `The representation ${cls.name} does not allow ${what}`);
  }
  const store = storeOf(folder, cls.name);
  const writeCtx = (): WriteContext => ({ folder, now: ctx.clock.now(), user: principal.user });

  if (target.sub === 'template') {
    if (ex.method !== 'GET') return bad(ex, 405, 'Only GET is allowed on $template');
    if (facet !== '$create') return bad(ex, 400, '$template needs the $create facet');
    if (cls.name === 'SORDER' && !folder.settings.salesOrderCreate) {
      return bad(ex, 400, 'The representation SORDER does not allow creation');
    }
    return reply(ex, 200, templateFor(ctx, folder, cls));
  }

  if (target.key === undefined) {
    if (ex.method === 'GET') {
      if (facet !== '$query' && facet !== '$lookup')
        return bad(ex, 400, `The facet ${facet} needs a key: ${cls.name}('KEY')`);
      try {
        const page = runQuery(store, ex.query, ctx.limits);
        const links: Record<string, unknown> = {};
        if (page.nextAfter !== undefined) links.$next = link(feedUrl(ctx, ex, `gt.${page.nextAfter}`));
        links.$last = link(feedUrl(ctx, ex, 'lt'));
        return reply(ex, 200, {
          $itemsPerPage: page.pageSize,
          $resources: page.records.map((r) => renderRecord(folder, cls, r)),
          $links: links,
        });
      } catch (err) {
        if (err instanceof QueryError) return reply(ex, 400, { $diagnoses: [err.diagnosis] });
        throw err;
      }
    }
    if (ex.method === 'POST') {
      if (facet !== '$create') return bad(ex, 400, `POST needs the $create facet, not ${facet}`);
      const body = await readJson(ex);
      if (!body) return;
      if (cls.name === 'SORDER' && !folder.settings.salesOrderCreate) {
        return refuse(
          ex,
          folder,
          [
            {
              $severity: 'error',
              $message: 'The representation SORDER does not allow creation: this is a classic object',
            },
          ],
          201,
        );
      }
      try {
        const created =
          cls.name === 'SORDER'
            ? createSalesOrder(writeCtx(), body.value)
            : createCustomer(writeCtx(), body.value);
        const key = cls.keyFields.map((f) => String(created[f])).join('~');
        return reply(ex, 201, withLineWarnings(renderRecord(folder, cls, created)), {
          location: recordUrl(ctx, folder, cls, key),
        });
      } catch (err) {
        if (err instanceof BusinessRefusal) return refuse(ex, folder, err.diagnoses, 201);
        throw err;
      }
    }
    return bad(ex, 405, `${ex.method} is not allowed on a ${cls.name} collection`);
  }

  if (target.keyParts!.length !== cls.keyFields.length) {
    return bad(
      ex,
      400,
      `Bad key ${target.key}: ${cls.name} keys have ${cls.keyFields.length} part(s) joined by ~`,
    );
  }
  if (ex.method === 'GET') {
    if (facet === '$create') return bad(ex, 400, 'The $create facet takes no key');
    const record = store.get(target.key);
    return reply(ex, 200, record ? renderRecord(folder, cls, record) : { $diagnoses: [NOT_FOUND] });
  }
  if (ex.method === 'PUT' || ex.method === 'DELETE') {
    if (facet !== '$edit') return bad(ex, 400, `${ex.method} needs the $edit facet, not ${facet}`);
    if (cls.name !== 'BPCUSTOMER')
      return bad(ex, 400, `The representation ${cls.name} does not allow modification`);
    const body = ex.method === 'PUT' ? await readJson(ex) : { value: undefined };
    if (!body) return;
    if (!store.has(target.key)) return reply(ex, 200, { $diagnoses: [NOT_FOUND] });
    try {
      if (ex.method === 'DELETE') {
        deleteCustomer(writeCtx(), target.key);
        return reply(ex, 204);
      }
      return reply(ex, 200, renderRecord(folder, cls, updateCustomer(writeCtx(), target.key, body.value)));
    } catch (err) {
      if (err instanceof BusinessRefusal) return refuse(ex, folder, err.diagnoses, 200);
      throw err;
    }
  }
  return bad(ex, 405, `${ex.method} is not allowed on a ${cls.name} record`);
}
