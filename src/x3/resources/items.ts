import { resourceUrl } from '../sdata/keys.js';
import {
  addMoney,
  enumValue,
  int,
  money,
  num,
  refTitle,
  text,
  textLines,
  withRaw,
  yesNo,
  type X3Record,
} from '../sdata/normalize.js';
import { pages } from '../sdata/paging.js';
import { allOf, w } from '../sdata/where.js';
import { recordModel, subtractQuantities } from './model.js';
import { Resource, filterText, type KeyInput, type ResourceContext } from './resource.js';

export type ItemStatus =
  'active' | 'in_development' | 'on_shortage' | 'not_renewed' | 'obsolete' | 'not_usable';

const ITEM_STATUS: Record<number, ItemStatus> = {
  1: 'active',
  2: 'in_development',
  3: 'on_shortage',
  4: 'not_renewed',
  5: 'obsolete',
  6: 'not_usable',
};

export interface ItemStock {
  site: string | null;
  physical: number;
  inspection: number;
  rejected: number;
  allocated: number;
  /** PHYSTO − PHYALL − GLOALL */
  available: number;
  onOrder: number;
  averageCost: string | null;
  readonly raw: X3Record;
}

export interface Item {
  ref: string;
  description: string | null;
  descriptions: string[];
  category: string | null;
  categoryName: string | null;
  status: ItemStatus | null;
  active: boolean;
  sellable: boolean | null;
  units: {
    stock: string | null;
    sales: string | null;
    purchase: string | null;
    salesToStock: number | null;
    purchaseToStock: number | null;
  };
  ean: string | null;
  weight: number | null;
  weightUnit: string | null;
  basePrice: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  /** Stock by storage site: always on `get`, on `list` with `withStock`. */
  stock?: ItemStock[];
  readonly raw: X3Record;
}

export interface ItemFilters {
  updatedSince?: Date | string;
  search?: string;
  /** Adds `stock` by site to each item (one ITMMVT query per page). */
  withStock?: boolean;
  /** With `withStock`, only this storage site. */
  site?: string;
}

export function mapStock(raw: X3Record): ItemStock {
  const physical = num(raw.PHYSTO) ?? 0;
  const phyAll = num(raw.PHYALL) ?? 0;
  const gloAll = num(raw.GLOALL) ?? 0;
  return withRaw(
    {
      site: text(raw.STOFCY),
      physical,
      inspection: num(raw.CTLSTO) ?? 0,
      rejected: num(raw.REJSTO) ?? 0,
      allocated: Number(addMoney([String(phyAll), String(gloAll)])),
      available: subtractQuantities(physical, phyAll, gloAll),
      onOrder: num(raw.ORDSTO) ?? 0,
      averageCost: money(raw.AVC),
    },
    raw,
  );
}

export function mapItem(raw: X3Record): Item {
  const descriptions = ['ITMDES1', 'ITMDES2', 'ITMDES3']
    .map((p) => text(raw[p]))
    .filter((s): s is string => s !== null);
  const listed = textLines(raw, 'ITMDES');
  const status = enumValue(ITEM_STATUS, raw.ITMSTA);
  return recordModel(raw, {
    ref: text(raw.ITMREF) ?? '',
    description: text(raw.ITMDES1) ?? listed[0] ?? null,
    descriptions: descriptions.length > 0 ? descriptions : listed,
    category: text(raw.TCLCOD),
    categoryName: refTitle(raw, 'TCLCOD'),
    status,
    active: int(raw.ITMSTA) === 1,
    sellable: yesNo(raw.SALFLG),
    units: {
      stock: text(raw.STU),
      sales: text(raw.SAU),
      purchase: text(raw.PUU),
      salesToStock: num(raw.SAUSTUCOE),
      purchaseToStock: num(raw.PUUSTUCOE),
    },
    ean: text(raw.EANCOD),
    weight: num(raw.ITMWEI),
    weightUnit: text(raw.WEU),
    basePrice: money(raw.BASPRI),
  });
}

/** ITMMVT queries are chunked so that one `in (...)` list stays short. */
const STOCK_CHUNK = 50;

export class Items extends Resource<Item, ItemFilters> {
  constructor(ctx: ResourceContext) {
    super(ctx, {
      cls: 'ITMMASTER',
      keyParts: 1,
      map: mapItem,
      filters: { updatedSince: true, search: ['ITMREF', 'ITMDES1'] },
    });
  }

  /** Stock rows (ITMMVT) of the given items, grouped by item reference. */
  async stockOf(refs: readonly string[], site?: string): Promise<Map<string, ItemStock[]>> {
    const byRef = new Map<string, ItemStock[]>(refs.map((r) => [r, []]));
    const siteCode = filterText(site, 'site');
    for (let i = 0; i < refs.length; i += STOCK_CHUNK) {
      const chunk = refs.slice(i, i + STOCK_CHUNK);
      const where = allOf([
        chunk.length === 1 ? w.eq('ITMREF', chunk[0]!) : w.in('ITMREF', chunk),
        siteCode === undefined ? undefined : w.eq('STOFCY', siteCode),
      ])!;
      const url = resourceUrl(this.ctx.folderBase, 'ITMMVT', 'ITMMVT', '$query', {
        where: where.toString(),
        count: 200,
      });
      for await (const records of pages(this.ctx.transport, url, this.ctx.folderBase)) {
        for (const record of records) byRef.get(text(record.ITMREF) ?? '')?.push(mapStock(record));
      }
    }
    return byRef;
  }

  protected override mapsWholePages(filters: ItemFilters): boolean {
    return filters.withStock === true;
  }

  protected override async mapPage(records: X3Record[], filters: ItemFilters): Promise<Item[]> {
    const items = records.map(mapItem);
    if (filters.withStock !== true || items.length === 0) return items;
    const stock = await this.stockOf(
      items.map((i) => i.ref),
      filters.site,
    );
    for (const item of items) item.stock = stock.get(item.ref) ?? [];
    return items;
  }

  /** One item with its units and stock by site (optionally one site). */
  override async get(ref: KeyInput, options: { site?: string } = {}): Promise<Item> {
    const item = await super.get(ref);
    item.stock = (await this.stockOf([item.ref], options.site)).get(item.ref) ?? [];
    return item;
  }
}
