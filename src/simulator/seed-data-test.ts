// The test folder (ALDTEST): other customers, items and site than ALDGATE, so that folder scoping shows.
import { ACCOUNTS, addr, CURRENCIES, TAX, TERMS, type FolderSeed } from './seed-types.js';

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
