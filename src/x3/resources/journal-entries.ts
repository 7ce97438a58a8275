import { addMoney, date, enumValue, int, lines, money, text, type X3Record } from '../sdata/normalize.js';
import { lineModel, recordModel } from './model.js';
import { Resource, type KeyInput, type ResourceContext } from './resource.js';

export type EntrySide = 'debit' | 'credit';
const SIDE: Record<number, EntrySide> = { 1: 'debit', [-1]: 'credit' };

export interface JournalEntryLine {
  lineNumber: number | null;
  ledgerType: number | null;
  account: string | null;
  partner: string | null;
  side: EntrySide | null;
  amount: string | null;
  ledgerAmount: string | null;
  description: string | null;
  uuid: string | null;
  readonly raw: X3Record;
}

export interface JournalEntry {
  type: string | null;
  number: string;
  accountingDate: string | null;
  journal: string | null;
  company: string | null;
  site: string | null;
  currency: string | null;
  description: string | null;
  reference: string | null;
  fiscalYear: number | null;
  period: number | null;
  lines: JournalEntryLine[];
  /** Sums of `amount` on the general ledger's lines (the first ledger type if there is none). */
  totalDebit: string;
  totalCredit: string;
  createdAt: string | null;
  updatedAt: string | null;
  readonly raw: X3Record;
}

export interface JournalEntryFilters {
  updatedSince?: Date | string;
  from?: string;
  to?: string;
  site?: string;
  company?: string;
  journal?: string;
  type?: string;
  search?: string;
}

export type JournalEntryKey = string | { type: string; number: string };

function mapLine(raw: X3Record): JournalEntryLine {
  return lineModel(raw, {
    lineNumber: int(raw.LIN),
    ledgerType: int(raw.LEDTYP),
    account: text(raw.ACC),
    partner: text(raw.BPR),
    side: enumValue(SIDE, raw.SNS),
    amount: money(raw.AMTCUR),
    ledgerAmount: money(raw.AMTLED),
    description: text(raw.DES),
  });
}

export function mapJournalEntry(raw: X3Record): JournalEntry {
  const entryLines = lines(raw, 'HAEDAE').map(mapLine);
  // Each ledger type repeats the same entry; totals come from one of them, the general one first.
  const ledger = entryLines.some((l) => l.ledgerType === 1) ? 1 : (entryLines[0]?.ledgerType ?? null);
  const counted = entryLines.filter((l) => l.ledgerType === ledger);
  const sum = (side: EntrySide) => addMoney(counted.filter((l) => l.side === side).map((l) => l.amount));
  return recordModel(raw, {
    type: text(raw.TYP),
    number: text(raw.NUM) ?? '',
    accountingDate: date(raw.ACCDAT),
    journal: text(raw.JOU),
    company: text(raw.CPY),
    site: text(raw.FCY),
    currency: text(raw.CUR),
    description: text(raw.DESVCR),
    reference: text(raw.REF),
    fiscalYear: int(raw.FIY),
    period: int(raw.PER),
    lines: entryLines,
    totalDebit: sum('debit'),
    totalCredit: sum('credit'),
  });
}

export class JournalEntries extends Resource<JournalEntry, JournalEntryFilters> {
  constructor(ctx: ResourceContext) {
    super(ctx, {
      cls: 'GACCENTRY',
      keyParts: 2,
      map: mapJournalEntry,
      filters: {
        updatedSince: true,
        dateRange: 'ACCDAT',
        equals: { site: 'FCY', company: 'CPY', journal: 'JOU', type: 'TYP' },
        search: ['NUM'],
      },
    });
  }

  /** One entry by `{ type, number }` or `'TYPE~NUMBER'`. */
  override get(key: JournalEntryKey | KeyInput): Promise<JournalEntry> {
    if (typeof key === 'object' && !Array.isArray(key)) {
      const k = key as { type: string; number: string };
      return super.get([k.type, k.number]);
    }
    return super.get(key as KeyInput);
  }
}
