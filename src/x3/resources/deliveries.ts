import { date, int, lines, money, num, text, yesNo, type X3Record } from '../sdata/normalize.js';
import { lineModel, recordModel } from './model.js';
import { Resource, type ResourceContext } from './resource.js';

export interface DeliveryLine {
  lineNumber: number | null;
  salesOrderNumber: string | null;
  salesOrderLine: number | null;
  salesOrderSequence: number | null;
  itemRef: string | null;
  description: string | null;
  quantity: number | null;
  salesUnit: string | null;
  netPrice: string | null;
  uuid: string | null;
  readonly raw: X3Record;
}

export interface Delivery {
  number: string;
  salesSite: string | null;
  shippingSite: string | null;
  customerCode: string | null;
  shipToAddress: string | null;
  deliveryDate: string | null;
  shipDate: string | null;
  salesOrderNumber: string | null;
  validated: boolean | null;
  invoiced: boolean | null;
  currency: string | null;
  lines: DeliveryLine[];
  createdAt: string | null;
  updatedAt: string | null;
  readonly raw: X3Record;
}

export interface DeliveryFilters {
  updatedSince?: Date | string;
  /** Delivery date range. */
  from?: string;
  to?: string;
  customer?: string;
  /** Shipping site. */
  site?: string;
  salesOrder?: string;
  search?: string;
}

function mapLine(raw: X3Record): DeliveryLine {
  return lineModel(raw, {
    lineNumber: int(raw.SDDLIN),
    salesOrderNumber: text(raw.SOHNUM),
    salesOrderLine: int(raw.SOPLIN),
    salesOrderSequence: int(raw.SOQSEQ),
    itemRef: text(raw.ITMREF),
    description: text(raw.ITMDES1),
    quantity: num(raw.QTY),
    salesUnit: text(raw.SAU),
    netPrice: money(raw.NETPRI),
  });
}

export function mapDelivery(raw: X3Record): Delivery {
  return recordModel(raw, {
    number: text(raw.SDHNUM) ?? '',
    salesSite: text(raw.SALFCY),
    shippingSite: text(raw.STOFCY),
    customerCode: text(raw.BPCORD),
    shipToAddress: text(raw.BPAADD),
    deliveryDate: date(raw.DLVDAT),
    shipDate: date(raw.SHIDAT),
    salesOrderNumber: text(raw.SOHNUM),
    validated: yesNo(raw.CFMFLG),
    invoiced: yesNo(raw.INVFLG),
    currency: text(raw.CUR),
    lines: lines(raw, 'SDHSDD').map(mapLine),
  });
}

export class Deliveries extends Resource<Delivery, DeliveryFilters> {
  constructor(ctx: ResourceContext) {
    super(ctx, {
      cls: 'SDELIVERY',
      keyParts: 1,
      map: mapDelivery,
      filters: {
        updatedSince: true,
        dateRange: 'DLVDAT',
        equals: { customer: 'BPCORD', site: 'STOFCY', salesOrder: 'SOHNUM' },
        search: ['SDHNUM'],
      },
    });
  }
}
