import type { z } from 'zod';
import { X3InvalidInputError } from '../errors.js';
import { keySegment, resourceUrl, type Facet } from '../sdata/keys.js';
import type { X3Record } from '../sdata/normalize.js';
import { applyCursor, cursorFromNext, fetchPage, pages } from '../sdata/paging.js';
import { allOf, w, type WhereExpr, type WhereValue } from '../sdata/where.js';
import type { Transport } from '../transport.js';

/** What every resource needs from the client. */
export interface ResourceContext {
  transport: Transport;
  /** `{baseUrl}/api1/x3/erp/{FOLDER}/` */
  folderBase: URL;
}

export interface ListOptions {
  /** Stop after this many records. */
  limit?: number;
  /** Records asked per page (`count`); X3 may serve fewer. Default 100. */
  pageSize?: number;
  /** An extra condition built with `w`, joined with `and` to the filters. */
  where?: WhereExpr;
}

export interface PageOptions {
  pageSize?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  where?: WhereExpr;
}

export interface Page<T> {
  data: T[];
  /** Opaque; pass back with the same filters for the next page. Null on the last page. */
  nextCursor: string | null;
}

export type KeyInput = string | number | ReadonlyArray<string | number>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `updatedSince` accepts a Date or an ISO timestamp / date string. */
export function sinceDate(value: Date | string, name = 'updatedSince'): Date {
  const d = value instanceof Date ? value : new Date(DATE.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) throw new X3InvalidInputError(`${name} is not a valid date or timestamp.`);
  return d;
}

/** Reads one filter value that must be a non-empty string. */
export function filterText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new X3InvalidInputError(`${name} must be a non-empty string.`);
  return value;
}

/** Validates a write's input against its schema; every issue is listed in one X3InvalidInputError. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
    throw new X3InvalidInputError(`Invalid ${what}: ${issues.join('; ')}.`, issues);
  }
  return result.data as z.output<S>;
}

/** Date-range filter conditions on a document date. */
export function dateRange(property: string, from: string | undefined, to: string | undefined): WhereExpr[] {
  const out: WhereExpr[] = [];
  if (from !== undefined) out.push(w.ge(property, w.date(from)));
  if (to !== undefined) out.push(w.le(property, w.date(to)));
  return out;
}

/** `upper(A) like '%TERM%' or upper(B) like '%TERM%'`. */
export function searchWhere(term: string | undefined, properties: readonly string[]): WhereExpr | undefined {
  const t = filterText(term, 'search')?.trim();
  if (t === undefined) return undefined;
  const pattern = w.pattern.contains(t.toUpperCase());
  return w.or(...properties.map((p) => w.like(w.upper(p), pattern)));
}

/** The filters every `FilterMapping` handles by name rather than through `equals`. */
type CommonFilter = 'updatedSince' | 'from' | 'to' | 'search';

/** An `eq` filter: a text filter names its X3 property; a numeric one is sent as given. */
export type EqualsFilter = string | { property: string; numeric: true };

/**
 * Which filters a resource offers and the X3 properties they compare. The conditions are joined
 * with `and` in a fixed order (updatedSince, from/to, `equals` in the order given, search) so a
 * given set of filters always yields the same `where`.
 *
 * @example
 *   { updatedSince: true, dateRange: 'ORDDAT', equals: { site: 'POHFCY' }, search: ['POHNUM'] }
 */
export interface FilterMapping<F> {
  /** `updatedSince` → `UPDDATTIM ge @…Z@`. */
  updatedSince?: boolean;
  /** `from` / `to` → this document date, `ge` / `le`. */
  dateRange?: string;
  /** Filter name → `eq` on an X3 property; text values must be non-empty strings. */
  equals?: { readonly [K in Exclude<keyof F, CommonFilter> & string]?: EqualsFilter };
  /** `search` → a case-insensitive `contains` on any of these properties. */
  search?: readonly string[];
}

/** Turns a resource's filter values into its `where` condition, per its mapping. */
export function filterWhere<F extends object>(
  mapping: FilterMapping<F>,
): (filters: F) => WhereExpr | undefined {
  const equals = Object.entries(mapping.equals ?? {}) as [string, EqualsFilter][];
  return (filters) => {
    const f = filters as Record<string, unknown>;
    return allOf([
      mapping.updatedSince !== true || f.updatedSince === undefined
        ? undefined
        : w.ge('UPDDATTIM', sinceDate(f.updatedSince as Date | string)),
      ...(mapping.dateRange === undefined
        ? []
        : dateRange(mapping.dateRange, f.from as string | undefined, f.to as string | undefined)),
      ...equals.map(([name, target]) => {
        const value = f[name];
        if (value === undefined) return undefined;
        return typeof target === 'string'
          ? w.eq(target, filterText(value, name)!)
          : w.eq(target.property, value as WhereValue);
      }),
      mapping.search === undefined ? undefined : searchWhere(f.search as string | undefined, mapping.search),
    ]);
  };
}

export interface ResourceSpec<T, F> {
  cls: string;
  /** Defaults to the class name. */
  representation?: string;
  keyParts: number;
  map: (record: X3Record) => T;
  /** How the resource's filters become its `where`. */
  filters: FilterMapping<F>;
}

/** Read operations shared by every resource: list (async iterator), page and get. */
export class Resource<T, F extends object> {
  protected readonly ctx: ResourceContext;
  protected readonly spec: ResourceSpec<T, F>;
  readonly #filterWhere: (filters: F) => WhereExpr | undefined;

  constructor(ctx: ResourceContext, spec: ResourceSpec<T, F>) {
    this.ctx = ctx;
    this.spec = spec;
    this.#filterWhere = filterWhere(spec.filters);
  }

  protected get representation(): string {
    return this.spec.representation ?? this.spec.cls;
  }

  protected queryUrl(filters: F & { where?: WhereExpr }, count: number): URL {
    const where = allOf([this.#filterWhere(filters), filters.where]);
    return resourceUrl(this.ctx.folderBase, this.spec.cls, this.representation, '$query', {
      where: where?.toString(),
      count,
    });
  }

  protected keyUrl(key: KeyInput, facet: Facet): URL {
    const parts = typeof key === 'string' && this.spec.keyParts > 1 ? key.split('~') : key;
    const list = Array.isArray(parts) ? parts : [parts as string | number];
    if (list.length !== this.spec.keyParts) {
      throw new X3InvalidInputError(`A ${this.spec.cls} key has ${this.spec.keyParts} part(s).`);
    }
    return resourceUrl(this.ctx.folderBase, keySegment(this.spec.cls, list), this.representation, facet);
  }

  /** True when `mapPage` must see a whole page at once (to enrich it with one more query). */
  protected mapsWholePages(_filters: F): boolean {
    return false;
  }

  /** Maps one page of records; resources that enrich records (stock) override it. */
  protected mapPage(records: X3Record[], _filters: F): Promise<T[]> {
    return Promise.resolve(records.map((r) => this.spec.map(r)));
  }

  /** Every record matching the filters, page after page. */
  async *list(filters: F & ListOptions = {} as F & ListOptions): AsyncGenerator<T> {
    const limit = filters.limit ?? Number.POSITIVE_INFINITY;
    if (limit <= 0) return;
    const count = Math.max(1, Math.min(filters.pageSize ?? 100, limit));
    let yielded = 0;
    const batch = this.mapsWholePages(filters);
    const url = this.queryUrl(filters, count);
    for await (const records of pages(this.ctx.transport, url, this.ctx.folderBase)) {
      // One record at a time keeps a single shape of the page alive, not raw and mapped at once.
      const mapped = batch ? await this.mapPage(records, filters) : undefined;
      for (let i = 0; i < records.length; i += 1) {
        yield mapped === undefined ? this.spec.map(records[i]!) : mapped[i]!;
        yielded += 1;
        if (yielded >= limit) return;
      }
    }
  }

  /** One page and the cursor of the next, for callers that page on their own. */
  async page(filters: F & PageOptions = {} as F & PageOptions): Promise<Page<T>> {
    let url = this.queryUrl(filters, Math.max(1, filters.pageSize ?? 50));
    if (filters.cursor !== undefined) url = applyCursor(url, filters.cursor);
    const page = await fetchPage(this.ctx.transport, url, this.ctx.folderBase);
    return { data: await this.mapPage(page.records, filters), nextCursor: cursorFromNext(page.next) };
  }

  /** One record by key; X3NotFoundError when X3 has none. */
  async get(key: KeyInput): Promise<T> {
    const answer = await this.ctx.transport.read(this.keyUrl(key, '$details'));
    return this.spec.map((answer.body ?? {}) as X3Record);
  }

  /** The first record of a query, or null. */
  protected async first(where: WhereExpr): Promise<T | null> {
    const url = resourceUrl(this.ctx.folderBase, this.spec.cls, this.representation, '$query', {
      where: where.toString(),
      count: 1,
    });
    const page = await fetchPage(this.ctx.transport, url, this.ctx.folderBase);
    const record = page.records[0];
    return record === undefined ? null : this.spec.map(record);
  }
}
