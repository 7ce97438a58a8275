// Shapes of a folder's seed and the reference tables both demo folders share.

export interface SiteSeed {
  code: string;
  name: string;
  sales: boolean;
  storage: boolean;
}

export interface AddressSeed {
  code: string;
  lines: string[];
  postalCode: string;
  city: string;
  country: string;
  phone?: string;
  email?: string;
}

export interface CustomerSeed {
  code: string;
  name: string;
  currency: string;
  taxRule: string;
  paymentTerms: string;
  country: string;
  blocked?: boolean;
  custom?: string;
  addresses: AddressSeed[];
}

export interface ItemSeed {
  ref: string;
  description: string;
  category: string;
  price: number;
  salesUnit?: string;
  salesToStock?: number;
  status?: number;
  sellable?: boolean;
  custom?: string;
  /** Physical stock by site. */
  stock: Record<string, number>;
}

export interface OrderSeed {
  date: string;
  site: string;
  customer: string;
  reference: string;
  custom?: string;
  lines: [item: string, quantity: number][];
  /** Shipments after creation: `all`, or [line number, quantity] pairs. */
  ship?: 'all' | [number, number][];
}

export interface JournalSeed {
  type: string;
  number: string;
  date: string;
  journal: string;
  description: string;
  reference: string;
  /** [ledger type, account, partner, side, amount] */
  lines: [number, string, string, 1 | -1, number][];
}

export interface PurchaseSeed {
  number: string;
  site: string;
  supplier: string;
  date: string;
  closed?: boolean;
  lines: [item: string, quantity: number, price: number, received: number][];
}

export interface InvoiceSeed {
  number: string;
  supplier: string;
  supplierRef: string;
  date: string;
  site: string;
  posted: boolean;
  order: string;
}

export interface FolderSeed {
  code: string;
  name: string;
  company: string;
  currency: string;
  numericStrings: boolean;
  refusalStyle: 'status' | 'diagnosis';
  sites: SiteSeed[];
  /** Storage sites that generated items are stocked at. */
  generatedStockSites: string[];
  /** Generated records at scale 1 (multiplied by the scale); named ones count towards them. */
  itemsPerScale: number;
  customersPerScale: number;
  customers: CustomerSeed[];
  items: ItemSeed[];
  orders: OrderSeed[];
  purchases: PurchaseSeed[];
  invoices: InvoiceSeed[];
  journal: JournalSeed[];
  titles: {
    currency: Record<string, string>;
    paymentTerms: Record<string, string>;
    taxRule: Record<string, string>;
    itemCategory: Record<string, string>;
    supplier: Record<string, string>;
    account: Record<string, string>;
  };
}

export const CURRENCIES = { GBP: 'Pound sterling', EUR: 'Euro', USD: 'US dollar' };
export const TERMS = { '30DAYS': '30 days net', '60DAYS': '60 days net', CASH: 'Cash with order' };
export const TAX = { DOM: 'Domestic', EEC: 'European Union', EXP: 'Export' };
export const ACCOUNTS = {
  '401000': 'Suppliers',
  '411000': 'Customers',
  '445660': 'VAT on purchases',
  '445710': 'VAT on sales',
  '512000': 'Bank',
  '607000': 'Purchases of goods',
  '707000': 'Sales of goods',
};

export const addr = (
  code: string,
  street: string,
  postalCode: string,
  city: string,
  country = 'GB',
): AddressSeed => ({
  code,
  lines: [street],
  postalCode,
  city,
  country,
  phone: '020 7946 0000',
  email: `${code.toLowerCase()}@example.com`,
});
