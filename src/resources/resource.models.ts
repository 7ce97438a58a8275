import { z } from 'zod';

/**
 * The normalized X3 models as the API serves them (docs/x3-objects.md). Objects are loose:
 * X3 installations add fields, and a newer client may add some before this page names them.
 */

// Every field but the key is nullish: X3 leaves fields blank, and a missing field must not turn
// a good answer into a server error.
const money = z.string().nullish().describe('Decimal string, e.g. "210.00".');
const date = z.string().nullish().describe('YYYY-MM-DD, or null when X3 has none.');
const timestamp = z.string().nullish().describe('ISO 8601 UTC.');
const text = z.string().nullish();
const qty = z.number().nullish();
const flag = z.boolean().nullish();
const int = z.number().int().nullish();
const texts = z.array(z.string()).nullish();
const raw = z
  .record(z.string(), z.unknown())
  .optional()
  .describe('The untouched X3 record, with ?include=raw.');

export const addressSchema = z.looseObject({
  code: text,
  lines: texts,
  postalCode: text,
  city: text,
  region: text,
  country: text,
  phone: text,
  email: text,
  isDefault: flag,
});

export const customerSchema = z
  .looseObject({
    code: z.string(),
    name: text,
    nameLines: texts,
    shortName: text,
    category: text,
    active: flag,
    currency: text,
    paymentTerms: text,
    taxRule: text,
    billToCustomer: text,
    defaultAddressCode: text,
    country: text,
    salesReps: texts,
    addresses: z.array(addressSchema),
    billingAddress: addressSchema.nullish(),
    createdAt: timestamp,
    updatedAt: timestamp,
    raw,
  })
  .meta({ id: 'Customer' });

export const stockSchema = z.looseObject({
  site: z.string(),
  physical: qty,
  inspection: qty,
  rejected: qty,
  allocated: qty,
  available: qty,
  onOrder: qty,
  averageCost: money,
});

export const itemSchema = z
  .looseObject({
    ref: z.string(),
    description: text,
    descriptions: texts,
    category: text,
    status: text,
    active: flag,
    sellable: flag,
    units: z.looseObject({
      stock: text,
      sales: text,
      purchase: text,
      salesToStock: qty,
      purchaseToStock: qty,
    }),
    ean: text,
    weight: qty,
    weightUnit: text,
    basePrice: money,
    stock: z.array(stockSchema).optional(),
    createdAt: timestamp,
    updatedAt: timestamp,
    raw,
  })
  .meta({ id: 'Item' });

export const salesOrderLineSchema = z.looseObject({
  lineNumber: int,
  itemRef: text,
  description: text,
  quantity: qty,
  salesUnit: text,
  quantityInStockUnit: qty,
  grossPrice: money,
  discountPercent: z.union([z.string(), z.number()]).nullish(),
  netPrice: money,
  amount: money,
  requestedDeliveryDate: date,
  deliveredQuantity: qty,
  quantityOnDeliveryNote: qty,
  allocatedQuantity: qty,
  quantityToDeliver: qty,
});

export const salesOrderSchema = z
  .looseObject({
    number: z.string(),
    type: text,
    salesSite: text,
    shippingSite: text,
    customerCode: text,
    customerName: text,
    billToCustomer: text,
    shipToAddress: text,
    customerOrderReference: text,
    orderDate: date,
    shipDate: date,
    requestedDeliveryDate: date,
    currency: text,
    paymentTerms: text,
    taxRule: text,
    status: text,
    deliveryStatus: text,
    invoiceStatus: text,
    totalExcludingTax: money,
    totalIncludingTax: money,
    lines: z.array(salesOrderLineSchema),
    createdAt: timestamp,
    updatedAt: timestamp,
    raw,
  })
  .meta({ id: 'SalesOrder' });

export const purchaseOrderSchema = z
  .looseObject({
    number: z.string(),
    site: text,
    supplierCode: text,
    supplierName: text,
    orderDate: date,
    currency: text,
    status: text,
    closed: flag,
    totalExcludingTax: money,
    totalIncludingTax: money,
    lines: z.array(
      z.looseObject({
        lineNumber: int,
        itemRef: text,
        description: text,
        quantity: qty,
        purchaseUnit: text,
        quantityInStockUnit: qty,
        expectedReceiptDate: date,
        receivedQuantity: qty,
        grossPrice: money,
        netPrice: money,
        amount: money,
      }),
    ),
    raw,
  })
  .meta({ id: 'PurchaseOrder' });

export const supplierInvoiceSchema = z
  .looseObject({
    number: z.string(),
    type: text,
    supplierCode: text,
    supplierName: text,
    supplierInvoiceNumber: text,
    accountingDate: date,
    documentDate: date,
    company: text,
    site: text,
    currency: text,
    totalExcludingTax: money,
    totalIncludingTax: money,
    status: text,
    lines: z.array(
      z.looseObject({
        lineNumber: int,
        itemRef: text,
        quantity: qty,
        netPrice: money,
        amount: money,
        account: text,
        purchaseOrderNumber: text,
        receiptNumber: text,
        receiptLine: int,
      }),
    ),
    raw,
  })
  .meta({ id: 'SupplierInvoice' });

export const journalEntrySchema = z
  .looseObject({
    type: z.string(),
    number: z.string(),
    accountingDate: date,
    journal: text,
    company: text,
    site: text,
    currency: text,
    description: text,
    reference: text,
    fiscalYear: int,
    period: int,
    totalDebit: money,
    totalCredit: money,
    lines: z.array(
      z.looseObject({
        lineNumber: int,
        ledgerType: int,
        account: text,
        partner: text,
        side: text,
        amount: money,
        ledgerAmount: money,
        description: text,
      }),
    ),
    raw,
  })
  .meta({ id: 'JournalEntry' });

export const accountBalanceSchema = z
  .looseObject({
    company: text,
    site: text,
    fiscalYear: int,
    ledgerType: int,
    account: text,
    partner: text,
    currency: text,
    periods: z.array(z.looseObject({ period: z.number(), debit: money, credit: money, balance: money })),
    totalDebit: money,
    totalCredit: money,
    balance: money,
    raw,
  })
  .meta({ id: 'AccountBalance' });

export const deliverySchema = z
  .looseObject({
    number: z.string(),
    salesSite: text,
    shippingSite: text,
    customerCode: text,
    shipToAddress: text,
    deliveryDate: date,
    shipDate: date,
    salesOrderNumber: text,
    validated: flag,
    invoiced: flag,
    currency: text,
    lines: z.array(
      z.looseObject({
        lineNumber: int,
        salesOrderNumber: text,
        salesOrderLine: int,
        salesOrderSequence: int,
        itemRef: text,
        description: text,
        quantity: qty,
        salesUnit: text,
        netPrice: money,
      }),
    ),
    raw,
  })
  .meta({ id: 'Delivery' });
