// Shipping an order, as the warehouse would in X3: a validated SDELIVERY for the shipped
// quantities, DLVQTY and DLVSTA raised on the order, physical stock lowered and the matching
// allocation released, so that orders, deliveries and ITMMVT always agree.
import { nextNumber, storeOf } from './folder.js';
import { adjustStock, BusinessRefusal, clone, round3, stampWrite, type WriteContext } from './rules.js';
import { deliveryStatus } from './sales-order.js';
import type { Diagnosis, X3Record } from './types.js';
import { isoDate, stableUuid } from './util.js';
import { error } from './write-input.js';

export interface ShipmentRequest {
  salesOrder: string;
  /** Lines and quantities to ship; all that is outstanding when absent. */
  lines?: { lineNumber: number; quantity: number }[];
}

export function shipOrder(ctx: WriteContext, request: ShipmentRequest): X3Record {
  const orders = storeOf(ctx.folder, 'SORDER');
  const stored = orders.get(request.salesOrder);
  if (!stored) throw new BusinessRefusal([error(`Sales order ${request.salesOrder} does not exist`)]);
  if (stored.ORDSTA !== 1) throw new BusinessRefusal([error(`Sales order ${request.salesOrder} is closed`)]);
  const order = clone(stored);
  const orderLines = order.SOHSOP as X3Record[];
  const outstanding = (l: X3Record): number => round3(Number(l.QTY) - Number(l.DLVQTY) - Number(l.ODLQTY));

  const plan: { line: X3Record; qty: number }[] = [];
  const diagnoses: Diagnosis[] = [];
  if (request.lines) {
    for (const wanted of request.lines) {
      const line = orderLines.find((l) => l.SOPLIN === wanted.lineNumber);
      if (!line) diagnoses.push(error(`Line ${wanted.lineNumber} does not exist on ${request.salesOrder}`));
      else if (!(wanted.quantity > 0))
        diagnoses.push(error(`Line ${wanted.lineNumber}: the quantity must be positive`));
      else if (wanted.quantity > outstanding(line)) {
        diagnoses.push(error(`Line ${wanted.lineNumber}: only ${outstanding(line)} left to deliver`));
      } else plan.push({ line, qty: wanted.quantity });
    }
  } else {
    for (const line of orderLines) if (outstanding(line) > 0) plan.push({ line, qty: outstanding(line) });
  }
  if (!diagnoses.length && plan.length === 0)
    diagnoses.push(error(`Nothing left to deliver on ${request.salesOrder}`));
  if (diagnoses.length) throw new BusinessRefusal(diagnoses);

  const items = storeOf(ctx.folder, 'ITMMASTER');
  const site = String(order.STOFCY);
  const number = nextNumber(ctx.folder, 'SD', String(order.SALFCY));
  const today = isoDate(ctx.now);
  const deliveryLines: X3Record[] = plan.map(({ line, qty }, i) => {
    const coefficient = Number(items.get(String(line.ITMREF))?.SAUSTUCOE ?? 1);
    const inStockUnit = round3(qty * coefficient);
    const released = Math.min(Number(line.ALLQTY), inStockUnit);
    line.DLVQTY = round3(Number(line.DLVQTY) + qty);
    line.ALLQTY = round3(Number(line.ALLQTY) - released);
    adjustStock(ctx, String(line.ITMREF), site, { physical: -inStockUnit, allocated: -released });
    const lineNumber = (i + 1) * 1000;
    return {
      $uuid: stableUuid(`${ctx.folder.code}/SDELIVERY/${number}/${lineNumber}`),
      SDDLIN: lineNumber,
      SOHNUM: order.SOHNUM,
      SOPLIN: line.SOPLIN,
      SOQSEQ: 1,
      ITMREF: line.ITMREF,
      ITMDES1: line.ITMDES1,
      QTY: qty,
      SAU: line.SAU,
      NETPRI: line.NETPRI,
    };
  });
  order.DLVSTA = deliveryStatus(orderLines);
  stampWrite(ctx, order, false);
  orders.put(order);

  const delivery: X3Record = {
    SDHNUM: number,
    SALFCY: order.SALFCY,
    STOFCY: site,
    BPCORD: order.BPCORD,
    BPAADD: order.BPAADD,
    DLVDAT: today,
    SHIDAT: today,
    SOHNUM: order.SOHNUM,
    CFMFLG: 2,
    INVFLG: 1,
    CUR: order.CUR,
    SDHSDD: deliveryLines,
  };
  stampWrite(ctx, delivery, true);
  storeOf(ctx.folder, 'SDELIVERY').put(delivery);
  return delivery;
}
