// What every business rule shares: the refusal error, the write context and stock bookkeeping.
import { storeOf, writeStamp, type Folder } from './folder.js';
import type { Diagnosis, X3Record } from './types.js';
import { isoSeconds, money } from './util.js';

/** A write X3 refuses for business reasons; carries the diagnoses X3 would answer. */
export class BusinessRefusal extends Error {
  constructor(readonly diagnoses: Diagnosis[]) {
    super(diagnoses.map((d) => d.$message).join('; '));
    this.name = 'BusinessRefusal';
  }
}

export interface WriteContext {
  folder: Folder;
  now: Date;
  /** X3 user stamped in CREUSR/UPDUSR. */
  user: string;
}

/** Audit fields and a new `$etag` for a record being written. */
export function stampWrite(ctx: WriteContext, record: X3Record, created: boolean): void {
  const etag = writeStamp(ctx.folder, ctx.now);
  const at = isoSeconds(ctx.now);
  if (created) {
    record.CREDATTIM = at;
    record.CREUSR = ctx.user.slice(0, 5);
  }
  record.UPDDATTIM = at;
  record.UPDUSR = ctx.user.slice(0, 5);
  record.$etag = etag;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** The stock row of an item at a site, created empty when the item was never stocked there. */
export function stockRow(ctx: WriteContext, item: string, site: string): X3Record {
  const existing = storeOf(ctx.folder, 'ITMMVT').get(`${item}~${site}`);
  if (existing) return clone(existing);
  return {
    ITMREF: item,
    STOFCY: site,
    PHYSTO: 0,
    CTLSTO: 0,
    REJSTO: 0,
    PHYALL: 0,
    GLOALL: 0,
    ORDSTO: 0,
    AVC: money(0),
    CREDATTIM: isoSeconds(ctx.now),
    CREUSR: ctx.user.slice(0, 5),
  };
}

export function available(row: X3Record): number {
  return Number(row.PHYSTO) - Number(row.PHYALL) - Number(row.GLOALL);
}

/** Applies stock changes (in stock units) to an item's row at a site and saves it. */
export function adjustStock(
  ctx: WriteContext,
  item: string,
  site: string,
  change: { physical?: number; allocated?: number },
): void {
  const row = stockRow(ctx, item, site);
  row.PHYSTO = round3(Number(row.PHYSTO) + (change.physical ?? 0));
  row.PHYALL = round3(Number(row.PHYALL) + (change.allocated ?? 0));
  stampWrite(ctx, row, row.UPDDATTIM === undefined);
  storeOf(ctx.folder, 'ITMMVT').put(row);
}

export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export { clone };
