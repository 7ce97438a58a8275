// Records computed from their position, for folders scaled to hundreds of thousands of items:
// nothing is stored per record, so a million items cost no memory until one is changed.
import type { GeneratedSource } from './store.js';
import type { X3Record } from './types.js';
import { BLANK, money, pad, stableUuid } from './util.js';

const SHAPES = ['Carton', 'Mailer', 'Tray', 'Sleeve', 'Crate', 'Bag', 'Tube', 'Pouch', 'Liner', 'Pallet cap'];
const MATERIALS = ['kraft', 'corrugated', 'recycled', 'white', 'double wall', 'single wall', 'foil', 'poly'];
const CATEGORIES = ['BOXES', 'FILM', 'TAPES', 'LABEL', 'VOID'];
const TOWNS = [
  'London',
  'Leeds',
  'Bristol',
  'Glasgow',
  'Cardiff',
  'Norwich',
  'York',
  'Derby',
  'Bath',
  'Hull',
];
const TRADES = ['Foods', 'Retail', 'Logistics', 'Pharma', 'Print', 'Crafts', 'Garden', 'Tools'];

const GENERATED_STAMP = '2025-02-03T08:00:00Z';

/** A stable small integer from a position, so generated values look varied but never change. */
function mix(i: number, salt: number): number {
  let h = (i + 1) * 0x9e3779b1 + salt * 0x85ebca6b;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const ITEM_DIGITS = 7;
const ITEM_PREFIX = 'ITM';

export function generatedItemRef(i: number): string {
  return `${ITEM_PREFIX}${pad(i + 1, ITEM_DIGITS)}`;
}

function itemIndex(ref: string): number {
  if (ref.length !== ITEM_PREFIX.length + ITEM_DIGITS || !ref.startsWith(ITEM_PREFIX)) return -1;
  const digits = ref.slice(ITEM_PREFIX.length);
  if (!/^\d+$/.test(digits)) return -1;
  return Number(digits) - 1;
}

export function generatedItems(count: number): GeneratedSource {
  return {
    size: count,
    keyAt: generatedItemRef,
    indexOf(key) {
      const i = itemIndex(key);
      return i >= 0 && i < count ? i : -1;
    },
    recordAt(i): X3Record {
      const shape = SHAPES[mix(i, 1) % SHAPES.length]!;
      const material = MATERIALS[mix(i, 2) % MATERIALS.length]!;
      const size = 100 + (mix(i, 3) % 60) * 10;
      const ref = generatedItemRef(i);
      return {
        ITMREF: ref,
        ITMDES1: `${shape} ${material} ${size}`,
        ITMDES2: `${size} mm`,
        ITMDES3: BLANK,
        TCLCOD: CATEGORIES[mix(i, 4) % CATEGORIES.length],
        ITMSTA: 1,
        SALFLG: 2,
        STU: 'UN',
        SAU: 'UN',
        PUU: 'UN',
        SAUSTUCOE: 1,
        PUUSTUCOE: 1,
        EANCOD: `50${pad(mix(i, 5) % 1e9, 11)}`,
        ITMWEI: (mix(i, 6) % 900) / 1000 + 0.05,
        WEU: 'KG',
        BASPRI: money(((mix(i, 7) % 5000) + 5) / 100),
        ZCUSTREF: BLANK,
        CREDATTIM: GENERATED_STAMP,
        UPDDATTIM: GENERATED_STAMP,
        CREUSR: 'ADMIN',
        UPDUSR: 'ADMIN',
        $etag: GENERATED_STAMP,
      };
    },
  };
}

/** Stock rows for generated items: one per item and storage site, nothing allocated. */
export function generatedStock(itemCount: number, sites: string[]): GeneratedSource {
  const n = sites.length;
  return {
    size: itemCount * n,
    keyAt: (i) => `${generatedItemRef(Math.floor(i / n))}~${sites[i % n]}`,
    indexOf(key) {
      const [ref, site, extra] = key.split('~');
      if (extra !== undefined || ref === undefined || site === undefined) return -1;
      const item = itemIndex(ref);
      const s = sites.indexOf(site);
      return item >= 0 && item < itemCount && s >= 0 ? item * n + s : -1;
    },
    recordAt(i): X3Record {
      const physical = mix(i, 11) % 5000;
      return {
        ITMREF: generatedItemRef(Math.floor(i / n)),
        STOFCY: sites[i % n],
        PHYSTO: physical,
        CTLSTO: mix(i, 12) % 7 === 0 ? mix(i, 13) % 50 : 0,
        REJSTO: 0,
        PHYALL: 0,
        GLOALL: 0,
        ORDSTO: mix(i, 14) % 4 === 0 ? mix(i, 15) % 2000 : 0,
        AVC: money((mix(i, 16) % 3000) / 100 + 0.01),
        CREDATTIM: GENERATED_STAMP,
        UPDDATTIM: GENERATED_STAMP,
        CREUSR: 'ADMIN',
        UPDUSR: 'ADMIN',
        $etag: GENERATED_STAMP,
      };
    },
  };
}

const CUSTOMER_PREFIX = 'CUS';
const CUSTOMER_DIGITS = 6;

export function generatedCustomerCode(i: number): string {
  return `${CUSTOMER_PREFIX}${pad(i + 1, CUSTOMER_DIGITS)}`;
}

export function generatedCustomers(count: number, currency: string, folder: string): GeneratedSource {
  return {
    size: count,
    keyAt: generatedCustomerCode,
    indexOf(key) {
      if (key.length !== CUSTOMER_PREFIX.length + CUSTOMER_DIGITS || !key.startsWith(CUSTOMER_PREFIX))
        return -1;
      const digits = key.slice(CUSTOMER_PREFIX.length);
      if (!/^\d+$/.test(digits)) return -1;
      const i = Number(digits) - 1;
      return i >= 0 && i < count ? i : -1;
    },
    recordAt(i): X3Record {
      const code = generatedCustomerCode(i);
      const town = TOWNS[mix(i, 21) % TOWNS.length]!;
      const trade = TRADES[mix(i, 22) % TRADES.length]!;
      const name = `${town} ${trade} ${pad(i + 1, CUSTOMER_DIGITS)}`;
      return {
        BPCNUM: code,
        BPCNAM: [name, BLANK],
        BPCSHO: name.slice(0, 10),
        BCGCOD: 'TRADE',
        BPCSTA: 2,
        CUR: currency,
        PTE: '30DAYS',
        VACBPR: 'DOM',
        BPCINV: code,
        BPAADD: 'MAIN',
        CRY: 'GB',
        REP: [BLANK, BLANK],
        ZCUSTREF: BLANK,
        BPCBPA: [
          {
            $uuid: stableUuid(`${folder}/BPCUSTOMER/${code}/MAIN`),
            BPAADD: 'MAIN',
            BPAADDLIG: [`${(mix(i, 23) % 200) + 1} High Street`, BLANK, BLANK],
            POSCOD: `${town.slice(0, 2).toUpperCase()}${(mix(i, 24) % 20) + 1} ${(mix(i, 25) % 9) + 1}AB`,
            CTY: town,
            SAT: BLANK,
            CRY: 'GB',
            TEL: `0${pad(mix(i, 26) % 1e9, 10)}`,
            WEB: `orders@${code.toLowerCase()}.example`,
            BPAADDFLG: 2,
          },
        ],
        CREDATTIM: GENERATED_STAMP,
        UPDDATTIM: GENERATED_STAMP,
        CREUSR: 'ADMIN',
        UPDUSR: 'ADMIN',
        $etag: GENERATED_STAMP,
      };
    },
  };
}
