import { addMoney, dimension, int, money, text, withRaw, type X3Record } from '../sdata/normalize.js';
import { Resource, type KeyInput, type ResourceContext } from './resource.js';

export interface BalancePeriod {
  /** 0 is the opening balance, 1..12 the months. */
  period: number;
  debit: string;
  credit: string;
  balance: string;
}

export interface AccountBalance {
  company: string | null;
  site: string | null;
  fiscalYear: number | null;
  ledgerType: number | null;
  account: string | null;
  partner: string | null;
  currency: string | null;
  /** Periods with movement only. */
  periods: BalancePeriod[];
  totalDebit: string;
  totalCredit: string;
  /** totalDebit − totalCredit */
  balance: string;
  readonly raw: X3Record;
}

export interface AccountBalanceFilters {
  fiscalYear?: number;
  company?: string;
  account?: string;
  site?: string;
  ledgerType?: number;
}

export function mapAccountBalance(raw: X3Record): AccountBalance {
  const debits = dimension(raw, 'DEBLED').map(money);
  const credits = dimension(raw, 'CDTLED').map(money);
  const periods: BalancePeriod[] = [];
  for (let i = 0; i < Math.max(debits.length, credits.length); i += 1) {
    const debit = debits[i] ?? null;
    const credit = credits[i] ?? null;
    const d = addMoney([debit]);
    const c = addMoney([credit]);
    if (Number(d) === 0 && Number(c) === 0) continue;
    periods.push({ period: i, debit: d, credit: c, balance: addMoney([debit, credit], [false, true]) });
  }
  const totalDebit = addMoney(debits);
  const totalCredit = addMoney(credits);
  return withRaw(
    {
      company: text(raw.CPY),
      site: text(raw.FCY),
      fiscalYear: int(raw.FIY),
      ledgerType: int(raw.LEDTYP),
      account: text(raw.ACC),
      partner: text(raw.BPR),
      currency: text(raw.CUR),
      periods,
      totalDebit,
      totalCredit,
      balance: addMoney([totalDebit, totalCredit], [false, true]),
    },
    raw,
  );
}

export type AccountBalanceKey =
  | string
  | readonly (string | number)[]
  | { company: string; fiscalYear: number; ledgerType: number; account: string };

export class AccountBalances extends Resource<AccountBalance, AccountBalanceFilters> {
  constructor(ctx: ResourceContext) {
    super(ctx, {
      cls: 'BALANCE',
      keyParts: 4,
      map: mapAccountBalance,
      filters: {
        equals: {
          fiscalYear: { property: 'FIY', numeric: true },
          company: 'CPY',
          account: 'ACC',
          site: 'FCY',
          ledgerType: { property: 'LEDTYP', numeric: true },
        },
      },
    });
  }

  /** One balance by `CPY~FIY~LEDTYP~ACC`, parts, or an object. */
  override get(key: AccountBalanceKey | KeyInput): Promise<AccountBalance> {
    if (typeof key === 'object' && !Array.isArray(key)) {
      const k = key as { company: string; fiscalYear: number; ledgerType: number; account: string };
      return super.get([k.company, k.fiscalYear, k.ledgerType, k.account]);
    }
    return super.get(key as KeyInput);
  }
}
