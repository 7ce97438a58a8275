/**
 * Which X3 sales order, if any, a create that may have landed made. A customer order reference
 * (CUSORDREF) is free text: a customer's PO number, typed again on other orders, or an order
 * from months ago. An order is taken as "ours" only when everything the create decided agrees.
 * Pure, so that every caller reconciling a create (the quote flow, the sales-order route, a
 * library user) applies the same rule.
 */

/** X3's clock and ours may disagree by this much before an order counts as older than the claim. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** The fields of an X3 order that tell whose it is. */
export interface OrderEvidence {
  number: string;
  customerCode?: string | null;
  /** CREDATTIM, ISO UTC. */
  createdAt?: string | null;
  /** ORDDAT, `YYYY-MM-DD`: used only when X3 gives no creation time. */
  orderDate?: string | null;
  lines?: ReadonlyArray<{ itemRef: string | null; quantity: number | string | null }> | null;
}

/** What the create asked for. */
export interface OrderIntent {
  customerCode: string;
  lines: ReadonlyArray<{ itemRef: string; quantity: number | string }>;
}

function quantityKey(q: number | string | null): string {
  if (q === null) return '';
  // X3 may send quantities as numeric strings ("10.000"): compare the numbers, not the text.
  const n = typeof q === 'number' ? q : Number(q);
  return Number.isFinite(n) ? String(n) : String(q);
}

function lineKeys(
  lines: ReadonlyArray<{ itemRef: string | null; quantity: number | string | null }>,
): string {
  return lines
    .map((l) => `${l.itemRef ?? ''}\u0001${quantityKey(l.quantity)}`)
    .sort()
    .join('\u0002');
}

/**
 * True when the order has the intent's customer, the same item and quantity lines (in any
 * order), and was made no earlier than `notBefore` (less the clock skew allowance).
 */
export function orderMatchesIntent(
  order: OrderEvidence,
  intent: OrderIntent,
  notBefore: Date,
  skewMs = CLOCK_SKEW_MS,
): boolean {
  if (order.customerCode !== intent.customerCode) return false;
  if (!order.lines || lineKeys(order.lines) !== lineKeys(intent.lines)) return false;
  const earliest = notBefore.getTime() - skewMs;
  if (order.createdAt) {
    const created = Date.parse(order.createdAt);
    return Number.isFinite(created) && created >= earliest;
  }
  // A day's resolution only: an order dated the day before the claim may still be ours.
  if (order.orderDate) return order.orderDate >= new Date(earliest - 86_400_000).toISOString().slice(0, 10);
  return false;
}

export type OrderPick<T> =
  | { kind: 'none' }
  | { kind: 'match'; order: T }
  | { kind: 'ambiguous'; candidates: string[]; matching: string[] };

/**
 * Picks the one order among `candidates` (all carrying the reference) that the intent made.
 * None under the reference at all means the create never landed. Candidates but no match, or
 * more than one match, cannot be told apart safely: the caller must not adopt any of them.
 */
export function pickOrder<T extends OrderEvidence>(
  candidates: readonly T[],
  intent: OrderIntent,
  notBefore: Date,
): OrderPick<T> {
  if (candidates.length === 0) return { kind: 'none' };
  const matching = candidates.filter((o) => orderMatchesIntent(o, intent, notBefore));
  if (matching.length === 1) return { kind: 'match', order: matching[0]! };
  return {
    kind: 'ambiguous',
    candidates: candidates.map((o) => o.number),
    matching: matching.map((o) => o.number),
  };
}
