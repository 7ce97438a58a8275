// BALANCE is derived from the folder's journal entries (one row per company, fiscal year,
// ledger type and account; debits and credits bucketed by period), so the two always agree.
import { storeOf, type Folder } from './folder.js';
import type { X3Record } from './types.js';
import { BLANK, money } from './util.js';

const PERIODS = 28;

export function rebuildBalances(folder: Folder): void {
  const rows = new Map<string, { record: X3Record; debit: number[]; credit: number[] }>();
  for (const entry of storeOf(folder, 'GACCENTRY').scan()) {
    const year = Number(entry.FIY);
    const period = Number(entry.PER);
    for (const line of entry.HAEDAE as X3Record[]) {
      const key = `${String(entry.CPY)}~${year}~${String(line.LEDTYP)}~${String(line.ACC)}`;
      let row = rows.get(key);
      if (!row) {
        row = {
          record: {
            CPY: entry.CPY,
            FCY: BLANK,
            FIY: year,
            LEDTYP: line.LEDTYP,
            ACC: line.ACC,
            BPR: BLANK,
            CUR: folder.currency,
            CREDATTIM: entry.CREDATTIM,
            CREUSR: entry.CREUSR,
          },
          debit: new Array<number>(PERIODS).fill(0),
          credit: new Array<number>(PERIODS).fill(0),
        };
        rows.set(key, row);
      }
      // Sums in pence: float drift would make balances disagree with the journal.
      const pence = Math.round(Number(line.AMTLED) * 100);
      if (line.SNS === 1) row.debit[period] = row.debit[period]! + pence;
      else row.credit[period] = row.credit[period]! + pence;
      // The row changes whenever a later entry touches it: it carries that entry's stamps.
      if (String(entry.$etag) > String(row.record.$etag ?? '')) {
        row.record.UPDDATTIM = entry.UPDDATTIM;
        row.record.UPDUSR = entry.UPDUSR;
        row.record.$etag = entry.$etag;
      }
    }
  }
  const store = storeOf(folder, 'BALANCE');
  for (const { record, debit, credit } of rows.values()) {
    record.DEBLED = debit.map((p) => money(p / 100));
    record.CDTLED = credit.map((p) => money(p / 100));
    store.put(record);
  }
}
