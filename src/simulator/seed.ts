// Builds a folder from its seed: reference records first, then documents through the same
// business rules the API uses, so seeded orders, deliveries and stock agree by construction.
import { rebuildBalances } from './balance.js';
import { createFolderShell, storeOf, type Folder } from './folder.js';
import { generatedCustomers, generatedItems, generatedStock } from './generator.js';
import { shipOrder } from './delivery.js';
import { stampWrite, type WriteContext } from './rules.js';
import { createSalesOrder } from './sales-order.js';
import type { FolderSeed } from './seed-types.js';
import type { FolderSettings, X3Record } from './types.js';
import { BLANK, EMPTY_DATE, money, stableUuid } from './util.js';

const SEED_USER = 'ADMIN';

function at(date: string, hour = 9): Date {
  return new Date(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
}

export interface SeedOptions {
  scale: number;
  settings?: Partial<FolderSettings>;
}

export function buildFolder(seed: FolderSeed, options: SeedOptions): Folder {
  const itemCount = Math.max(0, Math.round(seed.itemsPerScale * options.scale) - seed.items.length);
  const customerCount = Math.max(
    0,
    Math.round(seed.customersPerScale * options.scale) - seed.customers.length,
  );
  const folder = createFolderShell(
    {
      code: seed.code,
      name: seed.name,
      company: seed.company,
      currency: seed.currency,
      settings: {
        auth: { oauth2: true, connectedApp: true, basic: true },
        salesOrderCreate: true,
        refusalStyle: seed.refusalStyle,
        numericStrings: seed.numericStrings,
        ...options.settings,
      },
      titles: seed.titles,
    },
    {
      ...(itemCount > 0 && {
        ITMMASTER: generatedItems(itemCount),
        ITMMVT: generatedStock(itemCount, seed.generatedStockSites),
      }),
      ...(customerCount > 0 && { BPCUSTOMER: generatedCustomers(customerCount, seed.currency, seed.code) }),
    },
  );
  const ctx = (date: string, hour = 9): WriteContext => ({ folder, now: at(date, hour), user: SEED_USER });
  const put = (cls: string, record: X3Record, date: string): void => {
    stampWrite(ctx(date), record, true);
    storeOf(folder, cls).put(record);
  };

  for (const s of seed.sites) {
    put(
      'FACILITY',
      {
        FCY: s.code,
        FCYNAM: s.name,
        LEGCPY: seed.company,
        CRY: 'GB',
        SALFLG: s.sales ? 2 : 1,
        STOFLG: s.storage ? 2 : 1,
      },
      '2024-06-01',
    );
  }
  for (const c of seed.customers) {
    put(
      'BPCUSTOMER',
      {
        BPCNUM: c.code,
        BPCNAM: [c.name, BLANK],
        BPCSHO: c.name.slice(0, 10),
        BCGCOD: 'TRADE',
        BPCSTA: c.blocked ? 1 : 2,
        CUR: c.currency,
        PTE: c.paymentTerms,
        VACBPR: c.taxRule,
        BPCINV: c.code,
        BPAADD: c.addresses[0]!.code,
        CRY: c.country,
        REP: ['REP01', BLANK],
        ZCUSTREF: c.custom ?? BLANK,
        BPCBPA: c.addresses.map((a, i) => ({
          $uuid: stableUuid(`${seed.code}/BPCUSTOMER/${c.code}/${a.code}`),
          BPAADD: a.code,
          BPAADDLIG: [...a.lines, BLANK, BLANK, BLANK].slice(0, 3),
          POSCOD: a.postalCode,
          CTY: a.city,
          SAT: BLANK,
          CRY: a.country,
          TEL: a.phone ?? BLANK,
          WEB: a.email ?? BLANK,
          BPAADDFLG: i === 0 ? 2 : 1,
        })),
      },
      '2024-09-02',
    );
  }
  for (const item of seed.items) {
    put(
      'ITMMASTER',
      {
        ITMREF: item.ref,
        ITMDES1: item.description,
        ITMDES2: BLANK,
        ITMDES3: BLANK,
        TCLCOD: item.category,
        ITMSTA: item.status ?? 1,
        SALFLG: item.sellable === false ? 1 : 2,
        STU: 'UN',
        SAU: item.salesUnit ?? 'UN',
        PUU: 'UN',
        SAUSTUCOE: item.salesToStock ?? 1,
        PUUSTUCOE: 1,
        EANCOD: `50${stableUuid(item.ref).replace(/\D/g, '').padEnd(11, '7').slice(0, 11)}`,
        ITMWEI: 0.25,
        WEU: 'KG',
        BASPRI: money(item.price),
        ZCUSTREF: item.custom ?? BLANK,
      },
      '2024-10-01',
    );
    for (const [site, physical] of Object.entries(item.stock)) {
      put(
        'ITMMVT',
        {
          ITMREF: item.ref,
          STOFCY: site,
          PHYSTO: physical,
          CTLSTO: 0,
          REJSTO: 0,
          PHYALL: 0,
          GLOALL: 0,
          ORDSTO: 0,
          AVC: money(item.price * 0.45),
        },
        '2025-12-31',
      );
    }
  }
  for (const o of seed.orders) {
    const order = createSalesOrder(ctx(o.date), {
      SALFCY: o.site,
      BPCORD: o.customer,
      ORDDAT: o.date,
      CUSORDREF: o.reference,
      ...(o.custom && { ZCUSTREF: o.custom }),
      SOHSOP: o.lines.map(([ITMREF, QTY]) => ({ ITMREF, QTY })),
    });
    if (o.ship) {
      const lines =
        o.ship === 'all' ? undefined : o.ship.map(([lineNumber, quantity]) => ({ lineNumber, quantity }));
      shipOrder(ctx(o.date, 15), { salesOrder: String(order.SOHNUM), ...(lines && { lines }) });
    }
  }
  const prices = new Map(seed.items.map((i) => [i.ref, i]));
  const purchaseTotals = new Map<string, number>();
  for (const po of seed.purchases) {
    const lines = po.lines.map(([ref, qty, price, received], i) => ({
      $uuid: stableUuid(`${seed.code}/PORDER/${po.number}/${(i + 1) * 1000}`),
      POPLIN: (i + 1) * 1000,
      ITMREF: ref,
      ITMDES1: prices.get(ref)?.description ?? ref,
      QTYPUU: qty,
      PUU: 'UN',
      QTYSTU: qty,
      EXTRCPDAT: po.date.replace(
        /-(\d\d)$/,
        (_m, d: string) => `-${String(Math.min(28, Number(d) + 10)).padStart(2, '0')}`,
      ),
      RCPQTY: received,
      GROPRI: money(price),
      NETPRI: money(price),
      LINAMT: money(qty * price),
    }));
    const net = po.lines.reduce((s, [, q, p]) => s + q * p, 0);
    purchaseTotals.set(po.number, net);
    put(
      'PORDER',
      {
        POHNUM: po.number,
        POHFCY: po.site,
        BPSNUM: po.supplier,
        ORDDAT: po.date,
        CUR: seed.currency,
        ORDSTA: po.closed ? 2 : 1,
        CLEFLG: po.closed ? 2 : 1,
        ORDNOT: money(net),
        ORDATI: money(net * 1.2),
        POHPOP: lines,
      },
      po.date,
    );
  }
  for (const inv of seed.invoices) {
    const po = seed.purchases.find((p) => p.number === inv.order)!;
    const net = purchaseTotals.get(inv.order) ?? 0;
    put(
      'PINVOICE',
      {
        NUM: inv.number,
        PIVTYP: 'INV',
        BPR: inv.supplier,
        BPRVCR: inv.supplierRef,
        ACCDAT: inv.posted ? inv.date : EMPTY_DATE,
        BPRDAT: inv.date,
        CPY: seed.company,
        FCY: inv.site,
        CUR: seed.currency,
        AMTNOT: money(net),
        AMTATI: money(net * 1.2),
        STA: inv.posted ? 3 : 1,
        PIHPID: po.lines.map(([ref, qty, price], i) => ({
          $uuid: stableUuid(`${seed.code}/PINVOICE/${inv.number}/${(i + 1) * 1000}`),
          PIDLIN: (i + 1) * 1000,
          ITMREF: ref,
          QTY: qty,
          NETPRI: money(price),
          AMTNOTLIN: money(qty * price),
          ACC: '607000',
          POHNUM: po.number,
          PTHNUM: `RC${po.number.slice(2)}`,
          PTDLIN: (i + 1) * 1000,
        })),
      },
      inv.date,
    );
  }
  for (const j of seed.journal) {
    put(
      'GACCENTRY',
      {
        TYP: j.type,
        NUM: j.number,
        ACCDAT: j.date,
        JOU: j.journal,
        CPY: seed.company,
        FCY: seed.sites[0]!.code,
        CUR: seed.currency,
        DESVCR: j.description,
        REF: j.reference,
        FIY: Number(j.date.slice(0, 4)),
        PER: Number(j.date.slice(5, 7)),
        HAEDAE: j.lines.map(([ledger, acc, partner, side, amount], i) => ({
          $uuid: stableUuid(`${seed.code}/GACCENTRY/${j.type}~${j.number}/${i + 1}`),
          LIN: i + 1,
          LEDTYP: ledger,
          ACC: acc,
          BPR: partner,
          SNS: side,
          AMTCUR: money(amount),
          AMTLED: money(amount),
          DES: j.description.slice(0, 30),
        })),
      },
      j.date,
    );
  }
  rebuildBalances(folder);
  return folder;
}
