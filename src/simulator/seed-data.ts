// The deterministic content of the two demo folders: Aldgate Packaging Solutions (ALDGATE)
// and a test folder with other data (ALDTEST), so that folder scoping shows in every answer.

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

const CURRENCIES = { GBP: 'Pound sterling', EUR: 'Euro', USD: 'US dollar' };
const TERMS = { '30DAYS': '30 days net', '60DAYS': '60 days net', CASH: 'Cash with order' };
const TAX = { DOM: 'Domestic', EEC: 'European Union', EXP: 'Export' };
const ACCOUNTS = {
  '401000': 'Suppliers',
  '411000': 'Customers',
  '445660': 'VAT on purchases',
  '445710': 'VAT on sales',
  '512000': 'Bank',
  '607000': 'Purchases of goods',
  '707000': 'Sales of goods',
};

const addr = (
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

export const ALDGATE: FolderSeed = {
  code: 'ALDGATE',
  name: 'Aldgate Packaging Solutions',
  company: 'ALD',
  currency: 'GBP',
  numericStrings: false,
  refusalStyle: 'status',
  sites: [
    { code: 'ALD01', name: 'Aldgate London', sales: true, storage: true },
    { code: 'ALD02', name: 'Aldgate Manchester', sales: true, storage: true },
    { code: 'ALDWH', name: 'Aldgate Tilbury warehouse', sales: false, storage: true },
  ],
  generatedStockSites: ['ALD01', 'ALD02'],
  itemsPerScale: 1000,
  customersPerScale: 100,
  customers: [
    {
      code: 'C0001',
      name: 'Brick Lane Bakery',
      currency: 'GBP',
      taxRule: 'DOM',
      paymentTerms: '30DAYS',
      country: 'GB',
      addresses: [
        addr('MAIN', '91 Brick Lane', 'E1 6QL', 'London'),
        addr('DEPOT', '4 Hanbury Street', 'E1 6QR', 'London'),
      ],
    },
    {
      code: 'C0002',
      name: 'Spitalfields Florists',
      currency: 'GBP',
      taxRule: 'DOM',
      paymentTerms: '30DAYS',
      country: 'GB',
      addresses: [addr('MAIN', '12 Lamb Street', 'E1 6EA', 'London')],
    },
    {
      code: 'C0003',
      name: 'Whitechapel Print Co',
      currency: 'GBP',
      taxRule: 'DOM',
      paymentTerms: '60DAYS',
      country: 'GB',
      addresses: [addr('MAIN', '88 Whitechapel Road', 'E1 1JQ', 'London')],
    },
    {
      code: 'C0004',
      name: 'Thames Valley Foods',
      currency: 'GBP',
      taxRule: 'DOM',
      paymentTerms: '30DAYS',
      country: 'GB',
      custom: 'TVF-KEY-ACCOUNT',
      addresses: [addr('MAIN', '3 Station Road', 'RG1 1LG', 'Reading')],
    },
    {
      code: 'C0005',
      name: 'Camden Market Traders',
      currency: 'GBP',
      taxRule: 'DOM',
      paymentTerms: 'CASH',
      country: 'GB',
      blocked: true,
      addresses: [addr('MAIN', '54 Camden Lock Place', 'NW1 8AF', 'London')],
    },
    {
      code: 'C0006',
      name: 'Hamburg Versand GmbH',
      currency: 'EUR',
      taxRule: 'EEC',
      paymentTerms: '60DAYS',
      country: 'DE',
      addresses: [addr('MAIN', 'Speicherstadt 7', '20457', 'Hamburg', 'DE')],
    },
    {
      code: 'C0007',
      name: 'Boston Crafts Inc',
      currency: 'USD',
      taxRule: 'EXP',
      paymentTerms: '30DAYS',
      country: 'US',
      addresses: [addr('MAIN', '200 Atlantic Avenue', '02110', 'Boston', 'US')],
    },
    {
      code: 'C0008',
      name: 'Greenwich Garden Centre',
      currency: 'GBP',
      taxRule: 'DOM',
      paymentTerms: '30DAYS',
      country: 'GB',
      addresses: [addr('MAIN', '1 Park Vista', 'SE10 9LZ', 'London')],
    },
  ],
  items: [
    {
      ref: 'BOX-S-200',
      description: 'Shipping box small 200mm',
      category: 'BOXES',
      price: 0.42,
      stock: { ALD01: 12000, ALD02: 4000 },
    },
    {
      ref: 'BOX-M-400',
      description: 'Shipping box medium 400mm',
      category: 'BOXES',
      price: 0.78,
      stock: { ALD01: 8000, ALD02: 2500 },
    },
    {
      ref: 'BOX-L-600',
      description: 'Shipping box large 600mm',
      category: 'BOXES',
      price: 1.35,
      stock: { ALD01: 3000, ALD02: 900 },
    },
    {
      ref: 'BOX-M-400-P10',
      description: 'Medium box 400mm, pack of 10',
      category: 'BOXES',
      price: 7.2,
      salesUnit: 'PK',
      salesToStock: 10,
      stock: { ALD01: 500 },
    },
    {
      ref: 'BOX-XL-800',
      description: 'Shipping box XL 800mm',
      category: 'BOXES',
      price: 2.1,
      status: 5,
      stock: { ALD01: 40 },
    },
    {
      ref: 'TAPE-48-CLR',
      description: 'Packing tape 48mm clear',
      category: 'TAPES',
      price: 1.1,
      salesUnit: 'RL',
      stock: { ALD01: 2400, ALD02: 600 },
    },
    {
      ref: 'TAPE-48-BRN',
      description: 'Packing tape 48mm brown',
      category: 'TAPES',
      price: 1.1,
      salesUnit: 'RL',
      stock: { ALD01: 1800 },
    },
    {
      ref: 'WRAP-500',
      description: 'Stretch wrap 500mm x 300m',
      category: 'FILM',
      price: 8.9,
      salesUnit: 'RL',
      stock: { ALD01: 350, ALD02: 120, ALDWH: 2000 },
    },
    {
      ref: 'BUBBLE-750',
      description: 'Bubble wrap 750mm x 100m',
      category: 'FILM',
      price: 14.5,
      salesUnit: 'RL',
      custom: 'ECO-LINE',
      stock: { ALD01: 220 },
    },
    {
      ref: 'LBL-A6-1000',
      description: 'Thermal labels A6, roll of 1000',
      category: 'LABEL',
      price: 12,
      salesUnit: 'RL',
      stock: { ALD02: 400 },
    },
    {
      ref: 'VOID-CHIPS',
      description: 'Loose fill chips 15 cu ft',
      category: 'VOID',
      price: 9.8,
      salesUnit: 'BG',
      stock: { ALD01: 150 },
    },
    {
      ref: 'SAMPLE-KIT',
      description: 'Sample kit (not for sale)',
      category: 'BOXES',
      price: 0,
      sellable: false,
      stock: { ALD01: 25 },
    },
  ],
  orders: [
    {
      date: '2026-01-12',
      site: 'ALD01',
      customer: 'C0001',
      reference: 'PO-BLB-1001',
      lines: [
        ['BOX-S-200', 500],
        ['TAPE-48-CLR', 24],
      ],
      ship: 'all',
    },
    {
      date: '2026-01-20',
      site: 'ALD01',
      customer: 'C0002',
      reference: 'SF-2026-007',
      lines: [
        ['BOX-M-400', 200],
        ['WRAP-500', 10],
      ],
      ship: [[1000, 50]],
    },
    {
      date: '2026-02-03',
      site: 'ALD02',
      customer: 'C0003',
      reference: 'WPC/778',
      lines: [
        ['LBL-A6-1000', 5],
        ['BOX-L-600', 100],
      ],
      ship: 'all',
    },
    {
      date: '2026-02-17',
      site: 'ALD01',
      customer: 'C0004',
      reference: 'TVF-PO-5521',
      custom: 'EDI-88',
      lines: [
        ['BUBBLE-750', 3],
        ['VOID-CHIPS', 12],
        ['BOX-M-400-P10', 4],
      ],
    },
    {
      date: '2026-03-02',
      site: 'ALD02',
      customer: 'C0006',
      reference: 'HV-4471',
      lines: [['BOX-S-200', 1000]],
    },
  ],
  purchases: [
    {
      number: 'POALD010000001',
      site: 'ALD01',
      supplier: 'S0001',
      date: '2026-01-05',
      closed: true,
      lines: [
        ['BOX-S-200', 10000, 0.18, 10000],
        ['BOX-M-400', 5000, 0.33, 5000],
      ],
    },
    {
      number: 'POALD010000002',
      site: 'ALD01',
      supplier: 'S0002',
      date: '2026-02-10',
      lines: [
        ['WRAP-500', 200, 4.1, 120],
        ['BUBBLE-750', 100, 6.5, 0],
      ],
    },
    {
      number: 'POALD020000001',
      site: 'ALD02',
      supplier: 'S0003',
      date: '2026-02-21',
      lines: [['TAPE-48-CLR', 1200, 0.45, 1200]],
    },
  ],
  invoices: [
    {
      number: 'PIALD0000001',
      supplier: 'S0001',
      supplierRef: 'TBM-INV-20931',
      date: '2026-01-31',
      site: 'ALD01',
      posted: true,
      order: 'POALD010000001',
    },
    {
      number: 'PIALD0000002',
      supplier: 'S0003',
      supplierRef: 'KA/2026/118',
      date: '2026-02-28',
      site: 'ALD02',
      posted: false,
      order: 'POALD020000001',
    },
  ],
  journal: [
    {
      type: 'SPINV',
      number: 'SPALD0000001',
      date: '2026-01-31',
      journal: 'PUR',
      description: 'Thames Board Mills invoice',
      reference: 'TBM-INV-20931',
      lines: [
        [1, '607000', ' ', 1, 3450],
        [1, '445660', ' ', 1, 690],
        [1, '401000', 'S0001', -1, 4140],
        [2, '607000', ' ', 1, 3450],
        [2, '401000', 'S0001', -1, 3450],
      ],
    },
    {
      type: 'SAINV',
      number: 'SAALD0000001',
      date: '2026-01-31',
      journal: 'SAL',
      description: 'Brick Lane Bakery invoice',
      reference: 'SOALD010000001',
      lines: [
        [1, '411000', 'C0001', 1, 283.68],
        [1, '707000', ' ', -1, 236.4],
        [1, '445710', ' ', -1, 47.28],
      ],
    },
    {
      type: 'ODP',
      number: 'ODALD0000001',
      date: '2026-02-14',
      journal: 'BNK',
      description: 'Payment Thames Board Mills',
      reference: 'BACS-0214',
      lines: [
        [1, '401000', 'S0001', 1, 4140],
        [1, '512000', ' ', -1, 4140],
      ],
    },
    {
      type: 'ODP',
      number: 'ODALD0000002',
      date: '2026-03-03',
      journal: 'BNK',
      description: 'Receipt Brick Lane Bakery',
      reference: 'BACS-0303',
      lines: [
        [1, '512000', ' ', 1, 283.68],
        [1, '411000', 'C0001', -1, 283.68],
      ],
    },
  ],
  titles: {
    currency: CURRENCIES,
    paymentTerms: TERMS,
    taxRule: TAX,
    itemCategory: {
      BOXES: 'Boxes and cartons',
      TAPES: 'Tapes',
      FILM: 'Films and wraps',
      LABEL: 'Labels',
      VOID: 'Void fill',
    },
    supplier: { S0001: 'Thames Board Mills', S0002: 'Northern Films Ltd', S0003: 'Kent Adhesives' },
    account: ACCOUNTS,
  },
};

export const ALDTEST: FolderSeed = {
  code: 'ALDTEST',
  name: 'Aldgate test folder',
  company: 'TST',
  currency: 'EUR',
  numericStrings: true,
  refusalStyle: 'diagnosis',
  sites: [{ code: 'TST01', name: 'Test site Rotterdam', sales: true, storage: true }],
  generatedStockSites: [],
  itemsPerScale: 0,
  customersPerScale: 0,
  customers: [
    {
      code: 'T0001',
      name: 'Test Customer Rotterdam',
      currency: 'EUR',
      taxRule: 'EEC',
      paymentTerms: '30DAYS',
      country: 'NL',
      addresses: [addr('MAIN', 'Wilhelminakade 1', '3072 AP', 'Rotterdam', 'NL')],
    },
    {
      code: 'T0002',
      name: 'Test Customer Utrecht',
      currency: 'EUR',
      taxRule: 'EEC',
      paymentTerms: '60DAYS',
      country: 'NL',
      addresses: [addr('MAIN', 'Oudegracht 10', '3511 AM', 'Utrecht', 'NL')],
    },
    {
      code: 'T0003',
      name: 'Test Customer Blocked',
      currency: 'EUR',
      taxRule: 'EEC',
      paymentTerms: 'CASH',
      country: 'NL',
      blocked: true,
      addresses: [addr('MAIN', 'Markt 3', '2611 GS', 'Delft', 'NL')],
    },
  ],
  items: [
    {
      ref: 'TST-BOX-01',
      description: 'Test carton 300mm',
      category: 'BOXES',
      price: 0.55,
      stock: { TST01: 1000 },
    },
    {
      ref: 'TST-TAPE-01',
      description: 'Test tape 50mm',
      category: 'TAPES',
      price: 1.25,
      salesUnit: 'RL',
      stock: { TST01: 300 },
    },
    {
      ref: 'TST-FILM-01',
      description: 'Test film 450mm',
      category: 'FILM',
      price: 7.5,
      salesUnit: 'RL',
      stock: { TST01: 80 },
    },
  ],
  orders: [
    {
      date: '2026-02-02',
      site: 'TST01',
      customer: 'T0001',
      reference: 'TST-REF-1',
      lines: [
        ['TST-BOX-01', 120],
        ['TST-TAPE-01', 6],
      ],
    },
  ],
  purchases: [
    {
      number: 'POTST010000001',
      site: 'TST01',
      supplier: 'S9001',
      date: '2026-01-15',
      lines: [['TST-BOX-01', 1000, 0.2, 1000]],
    },
  ],
  invoices: [
    {
      number: 'PITST0000001',
      supplier: 'S9001',
      supplierRef: 'RDM-77',
      date: '2026-01-30',
      site: 'TST01',
      posted: true,
      order: 'POTST010000001',
    },
  ],
  journal: [
    {
      type: 'SPINV',
      number: 'SPTST0000001',
      date: '2026-01-30',
      journal: 'PUR',
      description: 'Rotterdam Dozen invoice',
      reference: 'RDM-77',
      lines: [
        [1, '607000', ' ', 1, 200],
        [1, '401000', 'S9001', -1, 200],
      ],
    },
  ],
  titles: {
    currency: CURRENCIES,
    paymentTerms: TERMS,
    taxRule: TAX,
    itemCategory: { BOXES: 'Test boxes', TAPES: 'Test tapes', FILM: 'Test films' },
    supplier: { S9001: 'Rotterdam Dozen BV' },
    account: ACCOUNTS,
  },
};
