// A folder (X3 "dossier"): its settings, its class stores, reference tables for `X_REF`
// titles, and the document number sequences.
import { CLASSES, type ClassDef, type RefKind } from './schema.js';
import { ClassStore, type GeneratedSource } from './store.js';
import type { FolderSettings, X3Record } from './types.js';
import { pad } from './util.js';

export interface Folder {
  code: string;
  name: string;
  company: string;
  currency: string;
  settings: FolderSettings;
  stores: Map<string, ClassStore>;
  /** Titles for references that are not records of an exposed class (currencies, terms…). */
  titles: Record<Exclude<RefKind, 'customer' | 'site' | 'item'>, Record<string, string>>;
  sequences: Map<string, number>;
  /** Last `$etag` instant handed out, so that etags strictly increase. */
  stamp: { seq: number; lastEtagMs: number };
}

export function createFolderShell(
  init: Omit<Folder, 'stores' | 'sequences' | 'stamp'>,
  generated: Partial<Record<string, GeneratedSource>> = {},
): Folder {
  const stores = new Map<string, ClassStore>();
  for (const cls of CLASSES.values()) stores.set(cls.name, new ClassStore(cls, generated[cls.name]));
  return { ...init, stores, sequences: new Map(), stamp: { seq: 0, lastEtagMs: 0 } };
}

export function storeOf(folder: Folder, cls: string): ClassStore {
  const store = folder.stores.get(cls);
  if (!store) throw new Error(`no store for class ${cls}`);
  return store;
}

/** Next number of a per-site document sequence, e.g. `SO` + `ALD01` + 7 digits. */
export function nextNumber(folder: Folder, prefix: string, site: string): string {
  const name = `${prefix}${site}`;
  const next = (folder.sequences.get(name) ?? 0) + 1;
  folder.sequences.set(name, next);
  return `${name}${pad(next, 7)}`;
}

/** The `$title` of a referenced code, or undefined when the code is unknown. */
export function refTitle(folder: Folder, kind: RefKind, code: string): string | undefined {
  switch (kind) {
    case 'customer': {
      const names = storeOf(folder, 'BPCUSTOMER').get(code)?.BPCNAM;
      return Array.isArray(names) ? String(names[0]) : undefined;
    }
    case 'site':
      return storeOf(folder, 'FACILITY').get(code)?.FCYNAM as string | undefined;
    case 'item':
      return storeOf(folder, 'ITMMASTER').get(code)?.ITMDES1 as string | undefined;
    default:
      return folder.titles[kind][code];
  }
}

export function classOf(name: string): ClassDef | undefined {
  return CLASSES.get(name);
}

export function getRecord(folder: Folder, cls: string, key: string): X3Record | undefined {
  return storeOf(folder, cls).get(key);
}

/**
 * A fresh `$etag` instant for a write. Strictly increasing within a folder, so a record's etag
 * changes on every write even when the clock is held still.
 */
export function writeStamp(folder: Folder, now: Date): string {
  const ms = Math.max(now.getTime(), folder.stamp.lastEtagMs + 1);
  folder.stamp.lastEtagMs = ms;
  return new Date(ms).toISOString();
}
