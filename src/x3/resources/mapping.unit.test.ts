import { describe, expect, it } from 'vitest';
import { mapAccountBalance } from './account-balances.js';
import { mapCustomer } from './customers.js';
import { mapDelivery } from './deliveries.js';
import { mapItem, mapStock } from './items.js';
import { mapJournalEntry } from './journal-entries.js';
import { mapPurchaseOrder } from './purchase-orders.js';
import { mapSalesOrder, salesOrderBody, salesOrderCreateSchema } from './sales-orders.js';
import { mapSite } from './sites.js';
import { mapSupplierInvoice } from './supplier-invoices.js';

describe('model mapping', () => {
  it('maps a customer with addresses, blanks and custom fields', () => {
    const c = mapCustomer({
      BPCNUM: 'C0001',
      BPCNAM: ['Aldgate Packaging', ' '],
      BPCSHO: 'ALDGATE',
      BCGCOD: 'TRADE',
      BPCSTA: '2',
      CUR: 'GBP',
      CUR_REF: { $title: 'Pound sterling' },
      PTE: '30DAYS',
      VACBPR: 'DOM',
      BPAADD: 'MAIN',
      CRY: 'GB',
      'REP(0)': 'REP01',
      'REP(1)': ' ',
      ZCUSTREF: 'custom',
      UPDDATTIM: '2026-03-01T09:12:44Z',
      BPCBPA: [
        {
          $uuid: 'u1',
          BPAADD: 'MAIN',
          BPAADDLIG: ['1 Dock Rd', ' ', ' '],
          POSCOD: 'E1 1AA',
          CTY: 'London',
          CRY: 'GB',
          BPAADDFLG: 2,
          WEB: 'a@b.c',
        },
        { $uuid: 'u2', BPAADD: 'WH', BPAADDLIG: ['Unit 4'], BPAADDFLG: 1 },
      ],
    });
    expect(c).toMatchObject({
      code: 'C0001',
      name: 'Aldgate Packaging',
      nameLines: ['Aldgate Packaging'],
      active: true,
      currency: 'GBP',
      currencyName: 'Pound sterling',
      salesReps: ['REP01'],
      billingAddress: {
        code: 'MAIN',
        lines: ['1 Dock Rd'],
        city: 'London',
        email: 'a@b.c',
        isDefault: true,
        uuid: 'u1',
      },
      updatedAt: '2026-03-01T09:12:44.000Z',
      createdAt: null,
    });
    expect(c.addresses).toHaveLength(2);
    expect(c.raw.ZCUSTREF).toBe('custom');
    expect(Object.keys(c)).not.toContain('raw');
  });

  it('maps an item and its stock with available = PHYSTO − PHYALL − GLOALL', () => {
    const item = mapItem({
      ITMREF: 'BOX-S-200',
      ITMDES1: 'Small box',
      ITMDES2: ' ',
      ITMSTA: 1,
      SALFLG: 2,
      STU: 'UN',
      SAU: 'UN',
      SAUSTUCOE: '1',
      BASPRI: '0.42',
      ITMWEI: '0.15',
    });
    expect(item).toMatchObject({
      ref: 'BOX-S-200',
      description: 'Small box',
      descriptions: ['Small box'],
      status: 'active',
      active: true,
      sellable: true,
      basePrice: '0.42',
      weight: 0.15,
      units: { stock: 'UN', salesToStock: 1 },
    });
    const stock = mapStock({
      STOFCY: 'ALD01',
      PHYSTO: '100.3',
      PHYALL: 10.1,
      GLOALL: '0.1',
      CTLSTO: 5,
      REJSTO: ' ',
      ORDSTO: 20,
      AVC: '0.21',
    });
    expect(stock).toMatchObject({
      site: 'ALD01',
      physical: 100.3,
      allocated: 10.2,
      available: 90.1,
      inspection: 5,
      rejected: 0,
      onOrder: 20,
      averageCost: '0.21',
    });
  });

  it('maps a sales order with lines and quantity to deliver', () => {
    const so = mapSalesOrder({
      SOHNUM: 'SOALD010000042',
      SOHTYP: 'SON',
      SALFCY: 'ALD01',
      BPCORD: 'C0001',
      BPCORD_REF: { $title: 'Aldgate' },
      CUSORDREF: 'Q-1',
      ORDDAT: '2026-12-01',
      SHIDAT: '1599-12-31',
      CUR: 'GBP',
      ORDSTA: 1,
      DLVSTA: '2',
      INVSTA: 1,
      ORDNOT: '210.00',
      ORDATI: '252.00',
      SOHSOP: [
        {
          $uuid: 'l1',
          SOPLIN: 1000,
          ITMREF: 'BOX-S-200',
          QTY: '500',
          GROPRI: '0.42',
          NETPRI: '0.42',
          LINAMT: '210.00',
          DLVQTY: 100,
          ODLQTY: '50',
          DEMDLVDAT: '2026-12-07',
        },
      ],
    });
    expect(so).toMatchObject({
      number: 'SOALD010000042',
      customerName: 'Aldgate',
      shipDate: null,
      status: 'open',
      deliveryStatus: 'partly_delivered',
      invoiceStatus: 'not_invoiced',
      totalExcludingTax: '210.00',
    });
    expect(so.lines[0]).toMatchObject({
      lineNumber: 1000,
      quantity: 500,
      amount: '210.00',
      quantityToDeliver: 350,
      requestedDeliveryDate: '2026-12-07',
      uuid: 'l1',
    });
  });

  it('builds the SORDER create body from camelCase input', () => {
    const data = salesOrderCreateSchema.parse({
      salesSite: 'ALD01',
      customerCode: 'C0001',
      customerOrderReference: 'Q-1',
      requestedDeliveryDate: '2026-12-07',
      lines: [{ itemRef: 'BOX-S-200', quantity: 500, grossPrice: '0.4200' }],
    });
    expect(salesOrderBody(data)).toEqual({
      SALFCY: 'ALD01',
      SOHTYP: 'SON',
      BPCORD: 'C0001',
      CUSORDREF: 'Q-1',
      STOFCY: 'ALD01',
      DEMDLVDAT: '2026-12-07',
      SOHSOP: [{ ITMREF: 'BOX-S-200', QTY: 500, GROPRI: '0.4200', DEMDLVDAT: '2026-12-07' }],
    });
    expect(
      salesOrderCreateSchema.safeParse({
        salesSite: 'ALD01',
        customerCode: 'C0001',
        customerOrderReference: 'Q',
        lines: [],
      }).success,
    ).toBe(false);
  });

  it('maps purchase orders, invoices, deliveries and sites', () => {
    expect(
      mapPurchaseOrder({
        POHNUM: 'PO1',
        POHFCY: 'ALD01',
        BPSNUM: 'S1',
        BPSNUM_REF: { $title: 'Supplier' },
        CLEFLG: 1,
        ORDSTA: 2,
        POHPOP: [{ POPLIN: 1000, QTYPUU: '5', RCPQTY: 2, GROPRI: '1.5' }],
      }),
    ).toMatchObject({
      number: 'PO1',
      supplierName: 'Supplier',
      closed: false,
      status: 'closed',
      lines: [{ lineNumber: 1000, quantity: 5, receivedQuantity: 2, grossPrice: '1.5' }],
    });
    expect(
      mapSupplierInvoice({
        NUM: 'PI1',
        PIVTYP: 'INV',
        BPR: 'S1',
        STA: 3,
        AMTATI: '12',
        PIHPID: [{ PIDLIN: 1, AMTNOTLIN: '10', PTDLIN: '1000' }],
      }),
    ).toMatchObject({
      number: 'PI1',
      status: 'posted',
      totalIncludingTax: '12',
      lines: [{ amount: '10', receiptLine: 1000 }],
    });
    expect(
      mapDelivery({
        SDHNUM: 'SD1',
        SOHNUM: 'SO1',
        CFMFLG: 2,
        INVFLG: 1,
        SDHSDD: [{ SDDLIN: 1, SOPLIN: 1000, QTY: '3' }],
      }),
    ).toMatchObject({
      number: 'SD1',
      salesOrderNumber: 'SO1',
      validated: true,
      invoiced: false,
      lines: [{ salesOrderLine: 1000, quantity: 3 }],
    });
    expect(mapSite({ FCY: 'ALD01', FCYNAM: 'London', LEGCPY: 'ALD', SALFLG: 2, STOFLG: 1 })).toEqual({
      code: 'ALD01',
      name: 'London',
      company: 'ALD',
      country: null,
      isSalesSite: true,
      isStorageSite: false,
    });
  });

  it('totals a journal entry on one ledger and balances by period', () => {
    const je = mapJournalEntry({
      TYP: 'ODP',
      NUM: 'ODP001',
      FIY: '2026',
      HAEDAE: [
        { LIN: 1, LEDTYP: 1, ACC: '411000', SNS: 1, AMTCUR: '100.10' },
        { LIN: 2, LEDTYP: 1, ACC: '706000', SNS: -1, AMTCUR: '100.1' },
        { LIN: 1, LEDTYP: 2, ACC: 'A1', SNS: 1, AMTCUR: '100.10' },
      ],
    });
    expect(je).toMatchObject({
      type: 'ODP',
      number: 'ODP001',
      fiscalYear: 2026,
      totalDebit: '100.10',
      totalCredit: '100.1',
    });
    expect(je.lines[1]).toMatchObject({ side: 'credit' });
    const bal = mapAccountBalance({
      CPY: 'ALD',
      FIY: 2026,
      LEDTYP: 1,
      ACC: '411000',
      DEBLED: ['0', '100.10', '0'],
      'CDTLED(0)': '0',
      'CDTLED(1)': '20',
      'CDTLED(2)': '5.5',
    });
    expect(bal.periods).toEqual([
      { period: 1, debit: '100.10', credit: '20', balance: '80.10' },
      { period: 2, debit: '0', credit: '5.5', balance: '-5.5' },
    ]);
    expect(bal).toMatchObject({ totalDebit: '100.10', totalCredit: '25.5', balance: '74.60' });
  });
});
