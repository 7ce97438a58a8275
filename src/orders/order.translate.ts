import { createHash } from 'node:crypto';
import type { AcceptQuoteBody, OrderDraft, QuoteProblem } from './order.js';

/**
 * Same quote, same hash: keys sorted so that field order in the JSON does not matter, and each
 * price as one decimal text so that `0.42`, `"0.42"` and `"0.420"` are the same price.
 */
export function requestHash(body: AcceptQuoteBody): string {
  return createHash('sha256')
    .update(canonicalJson(normalizeQuoteBody(body)))
    .digest('hex');
}

export function normalizeQuoteBody(body: AcceptQuoteBody): AcceptQuoteBody {
  return {
    ...body,
    lines: body.lines.map((l) =>
      l.unitPrice === undefined ? l : { ...l, unitPrice: decimalText(l.unitPrice) },
    ),
  };
}

/** A decimal as text without redundant zeros (`"00.4200"` → `"0.42"`); numbers via their shortest form. */
export function decimalText(value: number | string): string {
  let text = typeof value === 'number' ? numberText(value) : value.trim();
  const negative = text.startsWith('-');
  if (negative) text = text.slice(1);
  let [whole = '0', fraction = ''] = text.split('.');
  whole = whole.replace(/^0+(?=\d)/, '');
  fraction = fraction.replace(/0+$/, '');
  const out = fraction ? `${whole}.${fraction}` : whole;
  return negative && /[1-9]/.test(out) ? `-${out}` : out;
}

function numberText(n: number): string {
  const plain = String(n);
  if (!/e/i.test(plain)) return plain;
  // Exponent notation (1e-7) as plain digits; 20 places is past any price's precision.
  return n.toFixed(20);
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Problems visible in the quote alone (no lookups): every one is reported, not just the first. */
export function checkQuoteInput(body: AcceptQuoteBody, today: string): QuoteProblem[] {
  const problems: QuoteProblem[] = [];
  const checkDate = (field: string, date: string) => {
    if (!isCalendarDate(date)) {
      problems.push({ field, code: 'invalid_date', message: `${date} is not a calendar date` });
    } else if (date < today) {
      problems.push({ field, code: 'date_in_past', message: `${date} is in the past (today is ${today})` });
    }
  };
  checkDate('requestedDeliveryDate', body.requestedDeliveryDate);
  body.lines.forEach((line, i) => {
    if (!(line.quantity > 0)) {
      problems.push({
        field: `lines[${i}].quantity`,
        code: 'non_positive_quantity',
        message: `line ${i + 1} (${line.productCode}) has quantity ${line.quantity}; it must be above zero`,
      });
    }
    if (line.requestedDeliveryDate)
      checkDate(`lines[${i}].requestedDeliveryDate`, line.requestedDeliveryDate);
  });
  return problems;
}

export function isCalendarDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === date;
}

export function todayUtc(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export interface CodeMaps {
  products: ReadonlyMap<string, string>;
  customers: ReadonlyMap<string, string>;
}

export type Translation =
  | { ok: true; draft: OrderDraft }
  | { ok: false; unmapped: { productCodes: string[]; customerAccounts: string[] } };

/** Translates the platform's codes into X3's; lists every unmapped code at once, each once. */
export function translateQuote(quoteId: string, body: AcceptQuoteBody, maps: CodeMaps): Translation {
  const customerCode = maps.customers.get(body.customerAccount);
  const unmappedProducts = new Set<string>();
  for (const line of body.lines)
    if (!maps.products.has(line.productCode)) unmappedProducts.add(line.productCode);
  if (!customerCode || unmappedProducts.size > 0) {
    return {
      ok: false,
      unmapped: {
        productCodes: [...unmappedProducts],
        customerAccounts: customerCode ? [] : [body.customerAccount],
      },
    };
  }
  return {
    ok: true,
    draft: {
      customerCode,
      customerOrderReference: quoteId,
      salesSite: body.site ?? null,
      currency: body.currency ?? null,
      requestedDeliveryDate: body.requestedDeliveryDate,
      lines: body.lines.map((l) => ({
        itemRef: maps.products.get(l.productCode)!,
        quantity: l.quantity,
        grossPrice: l.unitPrice === undefined ? null : decimalText(l.unitPrice),
        requestedDeliveryDate: l.requestedDeliveryDate ?? body.requestedDeliveryDate,
      })),
    },
  };
}

/** A quote id X3 can carry in CUSORDREF: 1–30 visible ASCII characters. */
export function quoteIdProblem(quoteId: string, max: number): string | null {
  if (quoteId.length === 0) return 'the quote id is empty';
  if (quoteId.length > max) {
    return `the quote id has ${quoteId.length} characters; X3 keeps it in the order's customer reference (CUSORDREF), which holds ${max}`;
  }
  if (!/^[\x21-\x7e]+$/.test(quoteId))
    return 'the quote id may hold only visible ASCII characters (no spaces)';
  return null;
}
