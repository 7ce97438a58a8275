// One class's records in one folder. Large classes are generated on demand from a position
// (nothing is held for them); only seeded, created or changed records live in memory, in an
// overlay kept in key order so that keyset paging is a merge of two sorted sequences.
import { keyOf, type ClassDef } from './schema.js';
import { equalityKey } from './sdata/values.js';
import type { X3Record } from './types.js';

/** Records computed from their position; keys ascend with the position. */
export interface GeneratedSource {
  readonly size: number;
  keyAt(index: number): string;
  recordAt(index: number): X3Record;
  /** Position of a key, or -1 when the source has no such key. */
  indexOf(key: string): number;
}

export interface ScanOptions {
  /** Only keys strictly greater than this one (ascending) or strictly smaller (descending). */
  after?: string;
  before?: string;
  /** Only keys that start with this text (used for `ITMREF eq 'X'` on `ITMREF~STOFCY`). */
  prefix?: string;
  descending?: boolean;
}

function lowerBound(n: number, at: (i: number) => string, key: string): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(mid) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(n: number, at: (i: number) => string, key: string): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(mid) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ClassStore {
  private readonly overlay = new Map<string, X3Record>();
  private readonly sortedKeys: string[] = [];
  private readonly deleted = new Set<string>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor(
    readonly cls: ClassDef,
    private readonly base?: GeneratedSource,
  ) {
    for (const prop of cls.indexes ?? []) this.indexes.set(prop, new Map());
  }

  get generated(): boolean {
    return this.base !== undefined;
  }

  get(key: string): X3Record | undefined {
    if (this.deleted.has(key)) return undefined;
    const own = this.overlay.get(key);
    if (own) return own;
    if (!this.base) return undefined;
    const i = this.base.indexOf(key);
    return i < 0 ? undefined : this.base.recordAt(i);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Store a record (new or changed); the caller hands over a fresh object. */
  put(record: X3Record): void {
    const key = keyOf(this.cls, record);
    const previous = this.overlay.get(key);
    if (previous) this.unindex(key, previous);
    else {
      const at = lowerBound(this.sortedKeys.length, (i) => this.sortedKeys[i]!, key);
      this.sortedKeys.splice(at, 0, key);
    }
    this.deleted.delete(key);
    this.overlay.set(key, record);
    this.index(key, record);
  }

  delete(key: string): boolean {
    const existing = this.get(key);
    if (!existing) return false;
    const own = this.overlay.get(key);
    if (own) {
      this.unindex(key, own);
      this.overlay.delete(key);
      const at = lowerBound(this.sortedKeys.length, (i) => this.sortedKeys[i]!, key);
      this.sortedKeys.splice(at, 1);
    }
    if (this.base && this.base.indexOf(key) >= 0) this.deleted.add(key);
    return true;
  }

  /** Keys holding this value of an indexed property, or undefined when the property has no index. */
  lookup(prop: string, value: string | number): string[] | undefined {
    // Generated records are not indexed, so an index only answers for fully held classes.
    if (this.base) return undefined;
    const index = this.indexes.get(prop);
    if (!index) return undefined;
    return [...(index.get(equalityKey(value)) ?? [])].sort();
  }

  *scan(options: ScanOptions = {}): Generator<X3Record> {
    const { descending = false, prefix } = options;
    const keys = this.sortedKeys;
    const base = this.base;
    const baseAt = (i: number): string => base!.keyAt(i);
    const baseSize = base?.size ?? 0;
    if (!descending) {
      let i = 0;
      let j = 0;
      if (options.after !== undefined) {
        i = base ? upperBound(baseSize, baseAt, options.after) : 0;
        j = upperBound(keys.length, (k) => keys[k]!, options.after);
      }
      if (prefix !== undefined) {
        i = Math.max(i, base ? lowerBound(baseSize, baseAt, prefix) : 0);
        j = Math.max(
          j,
          lowerBound(keys.length, (k) => keys[k]!, prefix),
        );
      }
      for (;;) {
        const kb = i < baseSize ? baseAt(i) : undefined;
        const ko = j < keys.length ? keys[j] : undefined;
        if (kb === undefined && ko === undefined) return;
        let key: string;
        let record: X3Record | undefined;
        if (ko !== undefined && (kb === undefined || ko <= kb)) {
          key = ko;
          record = this.overlay.get(ko);
          if (kb === ko) i++;
          j++;
        } else {
          key = kb!;
          record = this.deleted.has(key) ? undefined : base!.recordAt(i);
          i++;
        }
        if (prefix !== undefined && !key.startsWith(prefix)) return;
        if (record) yield record;
      }
    }
    let i = baseSize - 1;
    let j = keys.length - 1;
    if (options.before !== undefined) {
      i = base ? lowerBound(baseSize, baseAt, options.before) - 1 : -1;
      j = lowerBound(keys.length, (k) => keys[k]!, options.before) - 1;
    }
    for (;;) {
      const kb = i >= 0 ? baseAt(i) : undefined;
      const ko = j >= 0 ? keys[j] : undefined;
      if (kb === undefined && ko === undefined) return;
      let key: string;
      let record: X3Record | undefined;
      if (ko !== undefined && (kb === undefined || ko >= kb)) {
        key = ko;
        record = this.overlay.get(ko);
        if (kb === ko) i--;
        j--;
      } else {
        key = kb!;
        record = this.deleted.has(key) ? undefined : base!.recordAt(i);
        i--;
      }
      if (prefix !== undefined && !key.startsWith(prefix)) {
        if (key < prefix) return;
        continue;
      }
      if (record) yield record;
    }
  }

  private index(key: string, record: X3Record): void {
    for (const [prop, index] of this.indexes) {
      const value = equalityKey(record[prop]);
      let set = index.get(value);
      if (!set) index.set(value, (set = new Set()));
      set.add(key);
    }
  }

  private unindex(key: string, record: X3Record): void {
    for (const [prop, index] of this.indexes) {
      const value = equalityKey(record[prop]);
      const set = index.get(value);
      set?.delete(key);
      if (set && set.size === 0) index.delete(value);
    }
  }
}
