import {
  date,
  enumValue,
  int,
  lines,
  money,
  num,
  refTitle,
  text,
  yesNo,
  type X3Record,
} from '../sdata/normalize.js';
import { lineModel, recordModel } from './model.js';
import { Resource, type ResourceContext } from './resource.js';
import { ORDER_STATUS, type OrderStatus } from './sales-orders.js';

export interface PurchaseOrderLine {
  lineNumber: number | null;
  itemRef: string | null;
  description: string | null;
  quantity: number | null;
  purchaseUnit: string | null;
  quantityInStockUnit: number | null;
  expectedReceiptDate: string | null;
  receivedQuantity: number | null;
  grossPrice: string | null;
  netPrice: string | null;
  amount: string | null;
  uuid: string | null;
  readonly raw: X3Record;
}

export interface PurchaseOrder {
  number: string;
  site: string | null;
  supplierCode: string | null;
  supplierName: string | null;
  orderDate: string | null;
  currency: string | null;
  status: OrderStatus | null;
  closed: boolean | null;
  totalExcludingTax: string | null;
  totalIncludingTax: string | null;
  lines: PurchaseOrderLine[];
  createdAt: string | null;
  updatedAt: string | null;
  readonly raw: X3Record;
}

export interface PurchaseOrderFilters {
  updatedSince?: Date | string;
  from?: string;
  to?: string;
  supplier?: string;
  site?: string;
  search?: string;
}

function mapLine(raw: X3Record): PurchaseOrderLine {
  return lineModel(raw, {
    lineNumber: int(raw.POPLIN),
    itemRef: text(raw.ITMREF),
    description: text(raw.ITMDES1),
    quantity: num(raw.QTYPUU),
    purchaseUnit: text(raw.PUU),
    quantityInStockUnit: num(raw.QTYSTU),
    expectedReceiptDate: date(raw.EXTRCPDAT),
    receivedQuantity: num(raw.RCPQTY),
    grossPrice: money(raw.GROPRI),
    netPrice: money(raw.NETPRI),
    amount: money(raw.LINAMT),
  });
}

export function mapPurchaseOrder(raw: X3Record): PurchaseOrder {
  return recordModel(raw, {
    number: text(raw.POHNUM) ?? '',
    site: text(raw.POHFCY),
    supplierCode: text(raw.BPSNUM),
    supplierName: refTitle(raw, 'BPSNUM'),
    orderDate: date(raw.ORDDAT),
    currency: text(raw.CUR),
    status: enumValue(ORDER_STATUS, raw.ORDSTA),
    closed: yesNo(raw.CLEFLG),
    totalExcludingTax: money(raw.ORDNOT),
    totalIncludingTax: money(raw.ORDATI),
    lines: lines(raw, 'POHPOP').map(mapLine),
  });
}

export class PurchaseOrders extends Resource<PurchaseOrder, PurchaseOrderFilters> {
  constructor(ctx: ResourceContext) {
    super(ctx, {
      cls: 'PORDER',
      keyParts: 1,
      map: mapPurchaseOrder,
      filters: {
        updatedSince: true,
        dateRange: 'ORDDAT',
        equals: { supplier: 'BPSNUM', site: 'POHFCY' },
        search: ['POHNUM'],
      },
    });
  }
}
