import {
  date,
  enumValue,
  int,
  lines,
  money,
  num,
  refTitle,
  text,
  type X3Record,
} from '../sdata/normalize.js';
import { lineModel, recordModel } from './model.js';
import { Resource, type ResourceContext } from './resource.js';

export type SupplierInvoiceStatus = 'draft' | 'posted';
const STATUS: Record<number, SupplierInvoiceStatus> = { 1: 'draft', 3: 'posted' };

export interface SupplierInvoiceLine {
  lineNumber: number | null;
  itemRef: string | null;
  quantity: number | null;
  netPrice: string | null;
  amount: string | null;
  account: string | null;
  purchaseOrderNumber: string | null;
  receiptNumber: string | null;
  receiptLine: number | null;
  uuid: string | null;
  readonly raw: X3Record;
}

export interface SupplierInvoice {
  number: string;
  type: string | null;
  supplierCode: string | null;
  supplierName: string | null;
  supplierInvoiceNumber: string | null;
  accountingDate: string | null;
  documentDate: string | null;
  company: string | null;
  site: string | null;
  currency: string | null;
  totalExcludingTax: string | null;
  totalIncludingTax: string | null;
  status: SupplierInvoiceStatus | null;
  lines: SupplierInvoiceLine[];
  createdAt: string | null;
  updatedAt: string | null;
  readonly raw: X3Record;
}

export interface SupplierInvoiceFilters {
  updatedSince?: Date | string;
  /** Accounting date range. */
  from?: string;
  to?: string;
  supplier?: string;
  site?: string;
  search?: string;
}

function mapLine(raw: X3Record): SupplierInvoiceLine {
  return lineModel(raw, {
    lineNumber: int(raw.PIDLIN),
    itemRef: text(raw.ITMREF),
    quantity: num(raw.QTY),
    netPrice: money(raw.NETPRI),
    amount: money(raw.AMTNOTLIN),
    account: text(raw.ACC),
    purchaseOrderNumber: text(raw.POHNUM),
    receiptNumber: text(raw.PTHNUM),
    receiptLine: int(raw.PTDLIN),
  });
}

export function mapSupplierInvoice(raw: X3Record): SupplierInvoice {
  return recordModel(raw, {
    number: text(raw.NUM) ?? '',
    type: text(raw.PIVTYP),
    supplierCode: text(raw.BPR),
    supplierName: refTitle(raw, 'BPR'),
    supplierInvoiceNumber: text(raw.BPRVCR),
    accountingDate: date(raw.ACCDAT),
    documentDate: date(raw.BPRDAT),
    company: text(raw.CPY),
    site: text(raw.FCY),
    currency: text(raw.CUR),
    totalExcludingTax: money(raw.AMTNOT),
    totalIncludingTax: money(raw.AMTATI),
    status: enumValue(STATUS, raw.STA),
    lines: lines(raw, 'PIHPID').map(mapLine),
  });
}

export class SupplierInvoices extends Resource<SupplierInvoice, SupplierInvoiceFilters> {
  constructor(ctx: ResourceContext) {
    super(ctx, {
      cls: 'PINVOICE',
      keyParts: 1,
      map: mapSupplierInvoice,
      filters: {
        updatedSince: true,
        dateRange: 'ACCDAT',
        equals: { supplier: 'BPR', site: 'FCY' },
        search: ['NUM', 'BPRVCR'],
      },
    });
  }
}
