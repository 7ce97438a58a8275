import type { X3Record } from './api.js';

// What the record browser shows for each X3 class: the list columns (normalized model fields,
// docs/x3-objects.md), the filters the API accepts for it, and how to build the record's key.

export type FilterKind = 'search' | 'date' | 'text' | 'number';

export interface FilterDef {
  name: string;
  label: string;
  kind: FilterKind;
  placeholder?: string;
}

export interface ColumnDef {
  key: string;
  label: string;
  numeric?: boolean;
  mono?: boolean;
  get?: (r: X3Record) => unknown;
}

export interface ResourceDef {
  id: string;
  label: string;
  columns: ColumnDef[];
  filters: FilterDef[];
  /** Path below the resource for GET one; null when the list holds everything. */
  keyOf: ((r: X3Record) => string) | null;
}

const search: FilterDef = { name: 'search', label: 'Search', kind: 'search', placeholder: 'Code or name' };
const from: FilterDef = { name: 'from', label: 'From', kind: 'date' };
const to: FilterDef = { name: 'to', label: 'To', kind: 'date' };
const site: FilterDef = { name: 'site', label: 'Site', kind: 'text', placeholder: 'ALD01' };
const customer: FilterDef = {
  name: 'customer',
  label: 'Customer',
  kind: 'text',
  placeholder: 'Customer code',
};
const supplier: FilterDef = {
  name: 'supplier',
  label: 'Supplier',
  kind: 'text',
  placeholder: 'Supplier code',
};

const s = (v: unknown) => (v == null ? '' : String(v));
const money = (amount: unknown, currency: unknown) =>
  amount == null ? null : `${s(amount)} ${s(currency)}`.trim();

export const resources: ResourceDef[] = [
  {
    id: 'customers',
    label: 'Customers',
    columns: [
      { key: 'code', label: 'Code', mono: true },
      { key: 'name', label: 'Name' },
      { key: 'category', label: 'Category' },
      { key: 'currency', label: 'Currency' },
      { key: 'paymentTerms', label: 'Payment terms' },
      { key: 'taxRule', label: 'Tax rule' },
      { key: 'active', label: 'Active' },
    ],
    filters: [search, { name: 'updatedSince', label: 'Updated since', kind: 'date' }],
    keyOf: (r) => s(r.code),
  },
  {
    id: 'items',
    label: 'Items',
    columns: [
      { key: 'ref', label: 'Reference', mono: true },
      { key: 'description', label: 'Description' },
      { key: 'category', label: 'Category' },
      { key: 'units', label: 'Sales unit', get: (r) => (r.units as { sales?: string } | undefined)?.sales },
      { key: 'basePrice', label: 'Base price', numeric: true },
      { key: 'active', label: 'Active' },
      // Lists carry stock only when filtered by site (X3 reads ITMMVT per item).
      {
        key: 'available',
        label: 'Available',
        numeric: true,
        get: (r) =>
          Array.isArray(r.stock)
            ? (r.stock as { available?: number }[]).reduce((n, x) => n + (x.available ?? 0), 0)
            : null,
      },
    ],
    filters: [search, { ...site, placeholder: 'ALD01 (adds stock)' }],
    keyOf: (r) => s(r.ref),
  },
  {
    id: 'sales-orders',
    label: 'Sales orders',
    columns: [
      { key: 'number', label: 'Number', mono: true },
      { key: 'orderDate', label: 'Date' },
      { key: 'customerCode', label: 'Customer', mono: true },
      { key: 'customerName', label: 'Name' },
      { key: 'salesSite', label: 'Site' },
      { key: 'deliveryStatus', label: 'Delivery' },
      {
        key: 'total',
        label: 'Total excl. tax',
        numeric: true,
        get: (r) => money(r.totalExcludingTax, r.currency),
      },
    ],
    filters: [search, from, to, customer, site],
    keyOf: (r) => s(r.number),
  },
  {
    id: 'purchase-orders',
    label: 'Purchase orders',
    columns: [
      { key: 'number', label: 'Number', mono: true },
      { key: 'orderDate', label: 'Date' },
      { key: 'supplierCode', label: 'Supplier', mono: true },
      { key: 'supplierName', label: 'Name' },
      { key: 'site', label: 'Site' },
      { key: 'status', label: 'Status' },
      {
        key: 'total',
        label: 'Total excl. tax',
        numeric: true,
        get: (r) => money(r.totalExcludingTax, r.currency),
      },
    ],
    filters: [search, from, to, supplier, site],
    keyOf: (r) => s(r.number),
  },
  {
    id: 'supplier-invoices',
    label: 'Supplier invoices',
    columns: [
      { key: 'number', label: 'Number', mono: true },
      { key: 'type', label: 'Type' },
      { key: 'supplierCode', label: 'Supplier', mono: true },
      { key: 'supplierInvoiceNumber', label: 'Their number' },
      { key: 'accountingDate', label: 'Accounting date' },
      { key: 'status', label: 'Status' },
      {
        key: 'total',
        label: 'Total incl. tax',
        numeric: true,
        get: (r) => money(r.totalIncludingTax, r.currency),
      },
    ],
    filters: [search, from, to, supplier, site],
    keyOf: (r) => s(r.number),
  },
  {
    id: 'journal-entries',
    label: 'Journal entries',
    columns: [
      { key: 'type', label: 'Type', mono: true },
      { key: 'number', label: 'Number', mono: true },
      { key: 'accountingDate', label: 'Date' },
      { key: 'journal', label: 'Journal' },
      { key: 'description', label: 'Description' },
      { key: 'totalDebit', label: 'Debit', numeric: true },
      { key: 'totalCredit', label: 'Credit', numeric: true },
    ],
    filters: [
      search,
      from,
      to,
      site,
      { name: 'journal', label: 'Journal', kind: 'text' },
      { name: 'type', label: 'Type', kind: 'text', placeholder: 'SPINV' },
    ],
    keyOf: (r) => `${s(r.type)}/${s(r.number)}`,
  },
  {
    id: 'account-balances',
    label: 'Balances',
    columns: [
      { key: 'company', label: 'Company' },
      { key: 'fiscalYear', label: 'Fiscal year' },
      { key: 'account', label: 'Account', mono: true },
      { key: 'partner', label: 'Partner', mono: true },
      { key: 'totalDebit', label: 'Debit', numeric: true },
      { key: 'totalCredit', label: 'Credit', numeric: true },
      { key: 'balance', label: 'Balance', numeric: true },
    ],
    filters: [
      { name: 'fiscalYear', label: 'Fiscal year', kind: 'number', placeholder: '2026' },
      { name: 'company', label: 'Company', kind: 'text' },
      { name: 'account', label: 'Account', kind: 'text' },
    ],
    keyOf: null,
  },
  {
    id: 'deliveries',
    label: 'Deliveries',
    columns: [
      { key: 'number', label: 'Number', mono: true },
      { key: 'deliveryDate', label: 'Date' },
      { key: 'customerCode', label: 'Customer', mono: true },
      { key: 'salesOrderNumber', label: 'Sales order', mono: true },
      { key: 'shippingSite', label: 'Site' },
      { key: 'validated', label: 'Validated' },
      { key: 'invoiced', label: 'Invoiced' },
    ],
    filters: [search, from, to, customer, site, { name: 'salesOrder', label: 'Sales order', kind: 'text' }],
    keyOf: (r) => s(r.number),
  },
];

export function resourceById(id: string): ResourceDef {
  return resources.find((r) => r.id === id) ?? resources[0]!;
}

export function cellValue(r: X3Record, c: ColumnDef): unknown {
  return c.get ? c.get(r) : r[c.key];
}
