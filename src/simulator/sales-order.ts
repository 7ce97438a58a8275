// SORDER creation with the rules X3 applies to a sales order: customer, site and items must
// exist and be usable, quantities positive; the order gets a per-site number, lines by 1000,
// computed prices and totals, and stock is allocated at the shipping site.
import { nextNumber, storeOf } from './folder.js';
import { CLASSES } from './schema.js';
import {
  adjustStock,
  available,
  BusinessRefusal,
  round3,
  stampWrite,
  stockRow,
  type WriteContext,
} from './rules.js';
import type { Diagnosis, X3Record } from './types.js';
import { addDays, BLANK, isBlank, isoDate, money, stableUuid } from './util.js';
import { error, missingMandatory, readWriteBody } from './write-input.js';

const SORDER = CLASSES.get('SORDER')!;
const TAX_RATES: Record<string, number> = { DOM: 0.2, EEC: 0, EXP: 0 };
const ORDER_TYPES = ['SON', 'SOI'];

function site(ctx: WriteContext, code: unknown): X3Record | undefined {
  return typeof code === 'string' ? storeOf(ctx.folder, 'FACILITY').get(code) : undefined;
}

/** Validates a create body and stores the order; throws BusinessRefusal with every problem found. */
export function createSalesOrder(ctx: WriteContext, body: unknown): X3Record {
  const input = readWriteBody(SORDER, body);
  const diagnoses: Diagnosis[] = [...input.diagnoses];
  const v = input.values;
  diagnoses.push(...missingMandatory(SORDER.props, v));
  if (diagnoses.length) throw new BusinessRefusal(diagnoses);

  const salesSite = site(ctx, v.SALFCY);
  if (!salesSite) diagnoses.push(error(`Sales site ${String(v.SALFCY)} does not exist`, 'SALFCY'));
  else if (salesSite.SALFLG !== 2)
    diagnoses.push(error(`Site ${String(v.SALFCY)} is not a sales site`, 'SALFCY'));
  const shipFrom = isBlank(v.STOFCY) ? v.SALFCY : v.STOFCY;
  const shipSite = site(ctx, shipFrom);
  if (!shipSite) diagnoses.push(error(`Shipping site ${String(shipFrom)} does not exist`, 'STOFCY'));
  else if (shipSite.STOFLG !== 2)
    diagnoses.push(error(`Site ${String(shipFrom)} is not a storage site`, 'STOFCY'));

  const customer = storeOf(ctx.folder, 'BPCUSTOMER').get(String(v.BPCORD));
  if (!customer) diagnoses.push(error(`Customer ${String(v.BPCORD)} does not exist`, 'BPCORD'));
  else if (customer.BPCSTA !== 2) diagnoses.push(error(`Customer ${String(v.BPCORD)} is blocked`, 'BPCORD'));

  const type = isBlank(v.SOHTYP) ? 'SON' : String(v.SOHTYP);
  if (!ORDER_TYPES.includes(type)) diagnoses.push(error(`Order type ${type} does not exist`, 'SOHTYP'));
  const currency = isBlank(v.CUR) ? customer?.CUR : v.CUR;
  if (typeof currency === 'string' && !ctx.folder.titles.currency[currency]) {
    diagnoses.push(error(`Currency ${currency} does not exist`, 'CUR'));
  }
  const taxRule = String(isBlank(v.VACBPR) ? (customer?.VACBPR ?? 'DOM') : v.VACBPR);
  if (TAX_RATES[taxRule] === undefined) diagnoses.push(error(`Tax rule ${taxRule} does not exist`, 'VACBPR'));
  const orderDate = isBlank(v.ORDDAT) ? isoDate(ctx.now) : String(v.ORDDAT);
  const headerDelivery = isBlank(v.DEMDLVDAT) ? addDays(orderDate, 7) : String(v.DEMDLVDAT);
  if (headerDelivery < orderDate)
    diagnoses.push(error('DEMDLVDAT: the requested date is before the order date', 'DEMDLVDAT'));

  const sent = input.lines ?? [];
  if (sent.length === 0) diagnoses.push(error('The order has no lines', 'SOHSOP'));
  const items = storeOf(ctx.folder, 'ITMMASTER');
  const lines: X3Record[] = [];
  sent.forEach((line, i) => {
    const path = `SOHSOP[${i}]`;
    const missing = missingMandatory(SORDER.lines!.props, line, `${path}.`);
    if (missing.length) return void diagnoses.push(...missing);
    const item = items.get(String(line.ITMREF));
    const qty = Number(line.QTY);
    if (!item)
      return void diagnoses.push(error(`Item ${String(line.ITMREF)} does not exist`, `${path}.ITMREF`));
    if (item.ITMSTA !== 1)
      diagnoses.push(error(`Item ${String(line.ITMREF)} is not active`, `${path}.ITMREF`));
    if (item.SALFLG !== 2) diagnoses.push(error(`Item ${String(line.ITMREF)} is not sold`, `${path}.ITMREF`));
    if (!(qty > 0)) diagnoses.push(error(`QTY: the quantity must be greater than 0`, `${path}.QTY`));
    const gross = line.GROPRI === undefined ? Number(item.BASPRI) : Number(line.GROPRI);
    if (gross < 0) diagnoses.push(error('GROPRI: the price cannot be negative', `${path}.GROPRI`));
    const discount = line.DISCRGVAL1 === undefined ? 0 : Number(line.DISCRGVAL1);
    if (discount < 0 || discount > 100)
      diagnoses.push(error('DISCRGVAL1: between 0 and 100', `${path}.DISCRGVAL1`));
    const delivery = line.DEMDLVDAT === undefined ? headerDelivery : String(line.DEMDLVDAT);
    if (delivery < orderDate)
      diagnoses.push(error('DEMDLVDAT: the requested date is before the order date', `${path}.DEMDLVDAT`));
    const net = Math.round(gross * (1 - discount / 100) * 10000) / 10000;
    lines.push({
      SOPLIN: (i + 1) * 1000,
      ITMREF: item.ITMREF,
      ITMDES1: item.ITMDES1,
      QTY: qty,
      SAU: item.SAU,
      QTYSTU: round3(qty * Number(item.SAUSTUCOE)),
      GROPRI: money(gross),
      DISCRGVAL1: money(discount),
      NETPRI: money(net),
      LINAMT: money(qty * net),
      DEMDLVDAT: delivery,
      DLVQTY: 0,
      ODLQTY: 0,
      ALLQTY: 0,
    });
  });
  if (diagnoses.length) throw new BusinessRefusal(diagnoses);

  const number = nextNumber(ctx.folder, 'SO', String(v.SALFCY));
  const stockSite = String(shipFrom);
  for (const line of lines) {
    line.$uuid = stableUuid(`${ctx.folder.code}/SORDER/${number}/${String(line.SOPLIN)}`);
    // Allocate what the shipping site has free; the rest stays unallocated, as X3 does.
    const free = Math.max(0, available(stockRow(ctx, String(line.ITMREF), stockSite)));
    const allocated = round3(Math.min(Number(line.QTYSTU), free));
    line.ALLQTY = allocated;
    if (allocated > 0) adjustStock(ctx, String(line.ITMREF), stockSite, { allocated });
  }
  const net = lines.reduce((sum, l) => sum + Number(l.LINAMT), 0);
  const order: X3Record = {
    SOHNUM: number,
    SOHTYP: type,
    SALFCY: v.SALFCY,
    STOFCY: stockSite,
    BPCORD: customer!.BPCNUM,
    BPCINV: customer!.BPCINV,
    BPAADD: isBlank(v.BPAADD) ? customer!.BPAADD : v.BPAADD,
    CUSORDREF: isBlank(v.CUSORDREF) ? BLANK : v.CUSORDREF,
    ORDDAT: orderDate,
    SHIDAT: headerDelivery,
    DEMDLVDAT: headerDelivery,
    CUR: currency,
    PTE: isBlank(v.PTE) ? customer!.PTE : v.PTE,
    VACBPR: taxRule,
    ORDSTA: 1,
    DLVSTA: 1,
    INVSTA: 1,
    ORDNOT: money(net),
    ORDATI: money(net * (1 + TAX_RATES[taxRule]!)),
    ZCUSTREF: isBlank(v.ZCUSTREF) ? BLANK : v.ZCUSTREF,
    SOHSOP: lines,
  };
  stampWrite(ctx, order, true);
  storeOf(ctx.folder, 'SORDER').put(order);
  return order;
}

/** Recomputes DLVSTA from the lines: 1 nothing shipped, 2 partly, 3 everything. */
export function deliveryStatus(lines: X3Record[]): 1 | 2 | 3 {
  const shipped = lines.filter((l) => Number(l.DLVQTY) > 0).length;
  const complete = lines.every((l) => Number(l.DLVQTY) >= Number(l.QTY));
  return complete ? 3 : shipped > 0 ? 2 : 1;
}
