// Class metadata: the properties each X3 class exposes through its representation, as fixed by
// docs/x3-objects.md. It drives write validation, `$prototypes`, `where` property checks,
// X_REF companions and the numeric-string quirk.
import type { Facet } from './types.js';

export type PropType = 'string' | 'integer' | 'quantity' | 'decimal' | 'date' | 'datetime' | 'enum';
export type RefKind =
  | 'currency'
  | 'customer'
  | 'site'
  | 'item'
  | 'paymentTerms'
  | 'taxRule'
  | 'itemCategory'
  | 'supplier'
  | 'account';

export interface PropDef {
  name: string;
  type: PropType;
  maxLength?: number;
  mandatory?: boolean;
  /** Dimensioned field: an array of this many elements. */
  dim?: number;
  ref?: RefKind;
}

export interface LineDef {
  name: string;
  /** Property numbering the lines (SOPLIN, POPLIN…). */
  numberField: string;
  props: PropDef[];
}

export interface ClassDef {
  name: string;
  keyFields: string[];
  props: PropDef[];
  lines?: LineDef;
  facets: Facet[];
  /** Properties kept in a secondary index so that `PROP eq 'x'` avoids a scan. */
  indexes?: string[];
}

const s = (name: string, maxLength: number, extra: Partial<PropDef> = {}): PropDef => ({
  name,
  type: 'string',
  maxLength,
  ...extra,
});
const ref = (name: string, kind: RefKind, maxLength = 15, extra: Partial<PropDef> = {}): PropDef => ({
  name,
  type: 'string',
  maxLength,
  ref: kind,
  ...extra,
});
const p = (name: string, type: PropType, extra: Partial<PropDef> = {}): PropDef => ({ name, type, ...extra });

const AUDIT: PropDef[] = [
  p('CREDATTIM', 'datetime'),
  p('UPDDATTIM', 'datetime'),
  s('CREUSR', 5),
  s('UPDUSR', 5),
];

const READ: Facet[] = ['$query', '$details', '$lookup', '$summary'];

const BPCUSTOMER: ClassDef = {
  name: 'BPCUSTOMER',
  keyFields: ['BPCNUM'],
  facets: [...READ, '$create', '$edit'],
  props: [
    s('BPCNUM', 15, { mandatory: true }),
    s('BPCNAM', 35, { dim: 2, mandatory: true }),
    s('BPCSHO', 10),
    s('BCGCOD', 5),
    p('BPCSTA', 'enum'),
    ref('CUR', 'currency', 3, { mandatory: true }),
    ref('PTE', 'paymentTerms'),
    ref('VACBPR', 'taxRule', 5),
    s('BPCINV', 15),
    s('BPAADD', 5),
    s('CRY', 3),
    s('REP', 15, { dim: 2 }),
    s('ZCUSTREF', 20),
    ...AUDIT,
  ],
  lines: {
    name: 'BPCBPA',
    numberField: 'BPAADD',
    props: [
      s('BPAADD', 5, { mandatory: true }),
      s('BPAADDLIG', 50, { dim: 3 }),
      s('POSCOD', 10),
      s('CTY', 40),
      s('SAT', 35),
      s('CRY', 3),
      s('TEL', 20),
      s('WEB', 80),
      p('BPAADDFLG', 'enum'),
    ],
  },
};

const ITMMASTER: ClassDef = {
  name: 'ITMMASTER',
  keyFields: ['ITMREF'],
  facets: READ,
  props: [
    s('ITMREF', 20),
    s('ITMDES1', 30),
    s('ITMDES2', 30),
    s('ITMDES3', 30),
    ref('TCLCOD', 'itemCategory', 5),
    p('ITMSTA', 'enum'),
    p('SALFLG', 'enum'),
    s('STU', 3),
    s('SAU', 3),
    s('PUU', 3),
    p('SAUSTUCOE', 'quantity'),
    p('PUUSTUCOE', 'quantity'),
    s('EANCOD', 20),
    p('ITMWEI', 'quantity'),
    s('WEU', 3),
    p('BASPRI', 'decimal'),
    s('ZCUSTREF', 20),
    ...AUDIT,
  ],
};

const ITMMVT: ClassDef = {
  name: 'ITMMVT',
  keyFields: ['ITMREF', 'STOFCY'],
  facets: READ,
  props: [
    s('ITMREF', 20),
    ref('STOFCY', 'site', 5),
    p('PHYSTO', 'quantity'),
    p('CTLSTO', 'quantity'),
    p('REJSTO', 'quantity'),
    p('PHYALL', 'quantity'),
    p('GLOALL', 'quantity'),
    p('ORDSTO', 'quantity'),
    p('AVC', 'decimal'),
    ...AUDIT,
  ],
};

const FACILITY: ClassDef = {
  name: 'FACILITY',
  keyFields: ['FCY'],
  facets: READ,
  props: [
    s('FCY', 5),
    s('FCYNAM', 35),
    s('LEGCPY', 5),
    s('CRY', 3),
    p('SALFLG', 'enum'),
    p('STOFLG', 'enum'),
    ...AUDIT,
  ],
};

const SORDER: ClassDef = {
  name: 'SORDER',
  keyFields: ['SOHNUM'],
  facets: [...READ, '$create'],
  indexes: ['CUSORDREF', 'BPCORD'],
  props: [
    s('SOHNUM', 20),
    s('SOHTYP', 5),
    ref('SALFCY', 'site', 5, { mandatory: true }),
    ref('STOFCY', 'site', 5),
    ref('BPCORD', 'customer', 15, { mandatory: true }),
    s('BPCINV', 15),
    s('BPAADD', 5),
    s('CUSORDREF', 30),
    p('ORDDAT', 'date'),
    p('SHIDAT', 'date'),
    p('DEMDLVDAT', 'date'),
    ref('CUR', 'currency', 3),
    ref('PTE', 'paymentTerms'),
    ref('VACBPR', 'taxRule', 5),
    p('ORDSTA', 'enum'),
    p('DLVSTA', 'enum'),
    p('INVSTA', 'enum'),
    p('ORDNOT', 'decimal'),
    p('ORDATI', 'decimal'),
    s('ZCUSTREF', 20),
    ...AUDIT,
  ],
  lines: {
    name: 'SOHSOP',
    numberField: 'SOPLIN',
    props: [
      p('SOPLIN', 'integer'),
      ref('ITMREF', 'item', 20, { mandatory: true }),
      s('ITMDES1', 30),
      p('QTY', 'quantity', { mandatory: true }),
      s('SAU', 3),
      p('QTYSTU', 'quantity'),
      p('GROPRI', 'decimal'),
      p('DISCRGVAL1', 'decimal'),
      p('NETPRI', 'decimal'),
      p('LINAMT', 'decimal'),
      p('DEMDLVDAT', 'date'),
      p('DLVQTY', 'quantity'),
      p('ODLQTY', 'quantity'),
      p('ALLQTY', 'quantity'),
    ],
  },
};

const PORDER: ClassDef = {
  name: 'PORDER',
  keyFields: ['POHNUM'],
  facets: READ,
  props: [
    s('POHNUM', 20),
    ref('POHFCY', 'site', 5),
    ref('BPSNUM', 'supplier'),
    p('ORDDAT', 'date'),
    ref('CUR', 'currency', 3),
    p('ORDSTA', 'enum'),
    p('CLEFLG', 'enum'),
    p('ORDNOT', 'decimal'),
    p('ORDATI', 'decimal'),
    ...AUDIT,
  ],
  lines: {
    name: 'POHPOP',
    numberField: 'POPLIN',
    props: [
      p('POPLIN', 'integer'),
      ref('ITMREF', 'item', 20),
      s('ITMDES1', 30),
      p('QTYPUU', 'quantity'),
      s('PUU', 3),
      p('QTYSTU', 'quantity'),
      p('EXTRCPDAT', 'date'),
      p('RCPQTY', 'quantity'),
      p('GROPRI', 'decimal'),
      p('NETPRI', 'decimal'),
      p('LINAMT', 'decimal'),
    ],
  },
};

const PINVOICE: ClassDef = {
  name: 'PINVOICE',
  keyFields: ['NUM'],
  facets: READ,
  props: [
    s('NUM', 20),
    s('PIVTYP', 5),
    ref('BPR', 'supplier'),
    s('BPRVCR', 20),
    p('ACCDAT', 'date'),
    p('BPRDAT', 'date'),
    s('CPY', 5),
    ref('FCY', 'site', 5),
    ref('CUR', 'currency', 3),
    p('AMTNOT', 'decimal'),
    p('AMTATI', 'decimal'),
    p('STA', 'enum'),
    ...AUDIT,
  ],
  lines: {
    name: 'PIHPID',
    numberField: 'PIDLIN',
    props: [
      p('PIDLIN', 'integer'),
      ref('ITMREF', 'item', 20),
      p('QTY', 'quantity'),
      p('NETPRI', 'decimal'),
      p('AMTNOTLIN', 'decimal'),
      ref('ACC', 'account', 10),
      s('POHNUM', 20),
      s('PTHNUM', 20),
      p('PTDLIN', 'integer'),
    ],
  },
};

const GACCENTRY: ClassDef = {
  name: 'GACCENTRY',
  keyFields: ['TYP', 'NUM'],
  facets: READ,
  props: [
    s('TYP', 5),
    s('NUM', 20),
    p('ACCDAT', 'date'),
    s('JOU', 5),
    s('CPY', 5),
    ref('FCY', 'site', 5),
    ref('CUR', 'currency', 3),
    s('DESVCR', 30),
    s('REF', 20),
    p('FIY', 'integer'),
    p('PER', 'integer'),
    ...AUDIT,
  ],
  lines: {
    name: 'HAEDAE',
    numberField: 'LIN',
    props: [
      p('LIN', 'integer'),
      p('LEDTYP', 'enum'),
      ref('ACC', 'account', 10),
      s('BPR', 15),
      p('SNS', 'enum'),
      p('AMTCUR', 'decimal'),
      p('AMTLED', 'decimal'),
      s('DES', 30),
    ],
  },
};

const BALANCE: ClassDef = {
  name: 'BALANCE',
  keyFields: ['CPY', 'FIY', 'LEDTYP', 'ACC'],
  facets: READ,
  props: [
    s('CPY', 5),
    s('FCY', 5),
    p('FIY', 'integer'),
    p('LEDTYP', 'enum'),
    ref('ACC', 'account', 10),
    s('BPR', 15),
    ref('CUR', 'currency', 3),
    p('DEBLED', 'decimal', { dim: 28 }),
    p('CDTLED', 'decimal', { dim: 28 }),
    ...AUDIT,
  ],
};

const SDELIVERY: ClassDef = {
  name: 'SDELIVERY',
  keyFields: ['SDHNUM'],
  facets: READ,
  indexes: ['SOHNUM', 'BPCORD'],
  props: [
    s('SDHNUM', 20),
    ref('SALFCY', 'site', 5),
    ref('STOFCY', 'site', 5),
    ref('BPCORD', 'customer'),
    s('BPAADD', 5),
    p('DLVDAT', 'date'),
    p('SHIDAT', 'date'),
    s('SOHNUM', 20),
    p('CFMFLG', 'enum'),
    p('INVFLG', 'enum'),
    ref('CUR', 'currency', 3),
    ...AUDIT,
  ],
  lines: {
    name: 'SDHSDD',
    numberField: 'SDDLIN',
    props: [
      p('SDDLIN', 'integer'),
      s('SOHNUM', 20),
      p('SOPLIN', 'integer'),
      p('SOQSEQ', 'integer'),
      ref('ITMREF', 'item', 20),
      s('ITMDES1', 30),
      p('QTY', 'quantity'),
      s('SAU', 3),
      p('NETPRI', 'decimal'),
    ],
  },
};

export const CLASSES: ReadonlyMap<string, ClassDef> = new Map(
  [BPCUSTOMER, ITMMASTER, ITMMVT, FACILITY, SORDER, PORDER, PINVOICE, GACCENTRY, BALANCE, SDELIVERY].map(
    (c) => [c.name, c],
  ),
);

const propIndex = new Map<string, Map<string, PropDef>>();
for (const c of CLASSES.values()) propIndex.set(c.name, new Map(c.props.map((d) => [d.name, d])));
const lineIndex = new Map<string, Map<string, PropDef>>();
for (const c of CLASSES.values())
  if (c.lines) lineIndex.set(c.name, new Map(c.lines.props.map((d) => [d.name, d])));

export function headerProp(cls: ClassDef, name: string): PropDef | undefined {
  return propIndex.get(cls.name)?.get(name);
}

export function lineProp(cls: ClassDef, name: string): PropDef | undefined {
  return lineIndex.get(cls.name)?.get(name);
}

/** The text form of a record's key: parts joined by `~`, as X3 writes composite keys. */
export function keyOf(cls: ClassDef, record: Readonly<Record<string, unknown>>): string {
  if (cls.keyFields.length === 1) return String(record[cls.keyFields[0]!]);
  return cls.keyFields.map((f) => String(record[f])).join('~');
}
