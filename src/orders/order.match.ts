import { orderMatchesIntent } from '../x3/order-match.js';
import type { OrderDraft } from './order.js';
import type { OrdersX3, X3SalesOrderView } from './order.x3.js';

/** More orders than this under one customer reference is not a quote's doing: stop reading there. */
const MAX_CANDIDATES = 20;

/** The numbers of the orders X3 holds with this customer reference (CUSORDREF), at most `max`. */
export async function ordersWithReference(
  x3: OrdersX3,
  reference: string,
  max = MAX_CANDIDATES,
): Promise<string[]> {
  const numbers: string[] = [];
  for await (const o of x3.salesOrders.list({ customerOrderReference: reference })) {
    // X3 compares text loosely in places; only the exact reference counts.
    if (typeof o.customerOrderReference === 'string' && o.customerOrderReference !== reference) continue;
    numbers.push(o.number);
    if (numbers.length >= max) break;
  }
  return numbers;
}

/**
 * True when the X3 order is the one this quote's send would have made: same customer, the same
 * item and quantity lines, and made no earlier than the quote was first stored (the rule every
 * reconciliation shares, in src/x3/order-match.ts).
 */
export function orderMatchesDraft(order: X3SalesOrderView, draft: OrderDraft, quoteStoredAt: Date): boolean {
  return orderMatchesIntent(order, draft, quoteStoredAt);
}

export type Reconciliation =
  { kind: 'none' } | { kind: 'match'; orderNumber: string } | { kind: 'conflict'; orderNumbers: string[] };

/** Looks the quote's order up by its reference and tells which of X3's orders, if any, is it. */
export async function reconcile(
  x3: OrdersX3,
  reference: string,
  draft: OrderDraft,
  quoteStoredAt: Date,
): Promise<Reconciliation> {
  const numbers = await ordersWithReference(x3, reference);
  if (numbers.length === 0) return { kind: 'none' };
  // The list's query facet may leave lines out: read each candidate whole.
  for (const n of numbers) {
    const full = await x3.salesOrders.get(n);
    if (orderMatchesDraft(full, draft, quoteStoredAt)) return { kind: 'match', orderNumber: full.number };
  }
  return { kind: 'conflict', orderNumbers: numbers };
}

/** The plain-words error of a quote whose reference X3 holds on orders that are not its own. */
export function conflictMessage(reference: string, orderNumbers: string[]): string {
  const which = orderNumbers.length === 1 ? `order ${orderNumbers[0]}` : `orders ${orderNumbers.join(', ')}`;
  return `X3 already has ${which} with customer reference ${reference}, for another customer, other lines or an earlier date; x3bridge did not take it for this quote and did not send a second order with the same reference`;
}
