import { z } from 'zod';
import { resourceUrl } from '../sdata/keys.js';
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
import { w } from '../sdata/where.js';
import { X3OutcomeUncertainError } from '../errors.js';
import { lineModel, recordModel, subtractQuantities } from './model.js';
import { Resource, filterText, parseInput, type ResourceContext } from './resource.js';

export type OrderStatus = 'open' | 'closed';
export type DeliveryStatus = 'not_delivered' | 'partly_delivered' | 'delivered';
export type InvoiceStatus = 'not_invoiced' | 'partly_invoiced' | 'invoiced';

export const ORDER_STATUS: Record<number, OrderStatus> = { 1: 'open', 2: 'closed' };
const DELIVERY_STATUS: Record<number, DeliveryStatus> = {
  1: 'not_delivered',
  2: 'partly_delivered',
  3: 'delivered',
};
const INVOICE_STATUS: Record<number, InvoiceStatus> = {
  1: 'not_invoiced',
  2: 'partly_invoiced',
  3: 'invoiced',
};

export interface SalesOrderLine {
  lineNumber: number | null;
  itemRef: string | null;
  description: string | null;
  quantity: number | null;
  salesUnit: string | null;
  quantityInStockUnit: number | null;
  grossPrice: string | null;
  discountPercent: number | null;
  netPrice: string | null;
  amount: string | null;
  requestedDeliveryDate: string | null;
  deliveredQuantity: number;
  quantityOnDeliveryNote: number;
  allocatedQuantity: number | null;
  /** QTY − (DLVQTY + ODLQTY) */
  quantityToDeliver: number | null;
  uuid: string | null;
  readonly raw: X3Record;
}

export interface SalesOrder {
  number: string;
  type: string | null;
  salesSite: string | null;
  shippingSite: string | null;
  customerCode: string | null;
  customerName: string | null;
  billToCustomer: string | null;
  shipToAddress: string | null;
  customerOrderReference: string | null;
  orderDate: string | null;
  shipDate: string | null;
  requestedDeliveryDate: string | null;
  currency: string | null;
  paymentTerms: string | null;
  taxRule: string | null;
  status: OrderStatus | null;
  deliveryStatus: DeliveryStatus | null;
  invoiceStatus: InvoiceStatus | null;
  totalExcludingTax: string | null;
  totalIncludingTax: string | null;
  lines: SalesOrderLine[];
  createdAt: string | null;
  updatedAt: string | null;
  readonly raw: X3Record;
}

export interface SalesOrderFilters {
  updatedSince?: Date | string;
  /** Order date range, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  customer?: string;
  site?: string;
  customerOrderReference?: string;
  search?: string;
}

function mapLine(raw: X3Record): SalesOrderLine {
  const qty = num(raw.QTY);
  const delivered = num(raw.DLVQTY) ?? 0;
  const onNote = num(raw.ODLQTY) ?? 0;
  return lineModel(raw, {
    lineNumber: int(raw.SOPLIN),
    itemRef: text(raw.ITMREF),
    description: text(raw.ITMDES1),
    quantity: qty,
    salesUnit: text(raw.SAU),
    quantityInStockUnit: num(raw.QTYSTU),
    grossPrice: money(raw.GROPRI),
    discountPercent: num(raw.DISCRGVAL1),
    netPrice: money(raw.NETPRI),
    amount: money(raw.LINAMT),
    requestedDeliveryDate: date(raw.DEMDLVDAT),
    deliveredQuantity: delivered,
    quantityOnDeliveryNote: onNote,
    allocatedQuantity: num(raw.ALLQTY),
    quantityToDeliver: qty === null ? null : subtractQuantities(qty, delivered, onNote),
  });
}

export function mapSalesOrder(raw: X3Record): SalesOrder {
  return recordModel(raw, {
    number: text(raw.SOHNUM) ?? '',
    type: text(raw.SOHTYP),
    salesSite: text(raw.SALFCY),
    shippingSite: text(raw.STOFCY),
    customerCode: text(raw.BPCORD),
    customerName: refTitle(raw, 'BPCORD'),
    billToCustomer: text(raw.BPCINV),
    shipToAddress: text(raw.BPAADD),
    customerOrderReference: text(raw.CUSORDREF),
    orderDate: date(raw.ORDDAT),
    shipDate: date(raw.SHIDAT),
    requestedDeliveryDate: date(raw.DEMDLVDAT),
    currency: text(raw.CUR),
    paymentTerms: text(raw.PTE),
    taxRule: text(raw.VACBPR),
    status: enumValue(ORDER_STATUS, raw.ORDSTA),
    deliveryStatus: enumValue(DELIVERY_STATUS, raw.DLVSTA),
    invoiceStatus: enumValue(INVOICE_STATUS, raw.INVSTA),
    totalExcludingTax: money(raw.ORDNOT),
    totalIncludingTax: money(raw.ORDATI),
    lines: lines(raw, 'SOHSOP').map(mapLine),
  });
}

const isoDate = z.iso.date();
const siteCode = z.string().regex(/^[A-Z0-9_]{1,5}$/, 'upper-case letters, digits and _, at most 5');
const decimal = z.union([
  z.number().finite().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?$/, 'a decimal number such as "0.42"'),
]);

export const salesOrderCreateSchema = z
  .object({
    salesSite: siteCode,
    customerCode: z.string().regex(/^[A-Z0-9_-]{1,15}$/, 'an X3 customer code'),
    customerOrderReference: z.string().trim().min(1).max(30),
    type: z
      .string()
      .regex(/^[A-Z0-9]{1,5}$/)
      .optional(),
    orderDate: isoDate.optional(),
    requestedDeliveryDate: isoDate.optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO currency code')
      .optional(),
    shippingSite: siteCode.optional(),
    lines: z
      .array(
        z
          .object({
            itemRef: z.string().trim().min(1).max(20),
            quantity: z.number().finite().positive(),
            grossPrice: decimal.optional(),
            requestedDeliveryDate: isoDate.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(500),
  })
  .strict();

export type SalesOrderCreate = z.input<typeof salesOrderCreateSchema>;

export function salesOrderBody(data: z.output<typeof salesOrderCreateSchema>): Record<string, unknown> {
  const body: Record<string, unknown> = {
    SALFCY: data.salesSite,
    SOHTYP: data.type ?? 'SON',
    BPCORD: data.customerCode,
    CUSORDREF: data.customerOrderReference,
  };
  if (data.orderDate !== undefined) body.ORDDAT = data.orderDate;
  if (data.currency !== undefined) body.CUR = data.currency;
  body.STOFCY = data.shippingSite ?? data.salesSite;
  if (data.requestedDeliveryDate !== undefined) body.DEMDLVDAT = data.requestedDeliveryDate;
  body.SOHSOP = data.lines.map((line) => {
    const out: Record<string, unknown> = { ITMREF: line.itemRef, QTY: line.quantity };
    // A price given as text is sent as text, so its decimal digits are never rounded through a float.
    if (line.grossPrice !== undefined) out.GROPRI = line.grossPrice;
    const due = line.requestedDeliveryDate ?? data.requestedDeliveryDate;
    if (due !== undefined) out.DEMDLVDAT = due;
    return out;
  });
  return body;
}

export class SalesOrders extends Resource<SalesOrder, SalesOrderFilters> {
  constructor(ctx: ResourceContext) {
    super(ctx, {
      cls: 'SORDER',
      keyParts: 1,
      map: mapSalesOrder,
      filters: {
        updatedSince: true,
        dateRange: 'ORDDAT',
        equals: { customer: 'BPCORD', site: 'SALFCY', customerOrderReference: 'CUSORDREF' },
        search: ['SOHNUM', 'CUSORDREF'],
      },
    });
  }

  /**
   * Creates a sales order. Never retried: if the outcome is unknown this rejects with
   * X3OutcomeUncertainError, and the caller looks the order up with
   * `findByCustomerOrderReference` before trying again.
   */
  async create(input: SalesOrderCreate): Promise<SalesOrder> {
    const data = parseInput(salesOrderCreateSchema, input, 'sales order');
    const url = resourceUrl(this.ctx.folderBase, 'SORDER', 'SORDER', '$create');
    const answer = await this.ctx.transport.write('POST', url, salesOrderBody(data));
    const saved = answer.body as X3Record | undefined;
    if (saved !== undefined && text(saved.SOHNUM) !== null) return mapSalesOrder(saved);
    const location = answer.headers.location;
    const match =
      typeof location === 'string'
        ? /SORDER\('([^']*(?:''[^']*)*)'\)/.exec(decodeURIComponent(location))
        : null;
    if (match?.[1] !== undefined) return this.get(match[1].replaceAll("''", "'"));
    // X3 took the order but did not say which one it is. The customer reference is free text
    // that other orders may carry too, so only the caller, who knows what it sent, can tell
    // which order is its own: report the outcome as unknown rather than guess.
    throw new X3OutcomeUncertainError(
      'X3 accepted the sales order but its answer named no order number; look it up by its ' +
        'customer reference (findByCustomerOrderReference) and check it is yours before trying again.',
      { method: 'POST', url: url.toString(), status: answer.status },
    );
  }

  /** The order stamped with this customer reference (CUSORDREF), or null: for reconciliation. */
  async findByCustomerOrderReference(reference: string): Promise<SalesOrder | null> {
    const hit = await this.first(w.eq('CUSORDREF', filterText(reference, 'reference')!));
    // The query facet may leave lines out: read the full order.
    return hit === null ? null : this.get(hit.number);
  }
}
