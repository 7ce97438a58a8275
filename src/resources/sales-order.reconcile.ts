import { ApiError } from '../http/errors.js';
import type { SalesOrder } from '../x3/resources/sales-orders.js';
import { pickOrder, type OrderIntent, type OrderPick } from '../x3/order-match.js';

/** More orders than this under one reference is not one create's doing: stop reading there. */
export const MAX_CANDIDATES = 20;

/** The part of the X3 client a lookup needs. */
export interface SalesOrderLookup {
  list(filters: { customerOrderReference: string; limit?: number }): AsyncIterable<SalesOrder>;
  get(number: string): Promise<SalesOrder>;
}

/**
 * After an uncertain outcome: the orders X3 holds under the request's reference, read whole
 * (a list's query facet may leave lines out), and the one that this request made, if any.
 */
export async function findOwnOrder(
  orders: SalesOrderLookup,
  reference: string,
  intent: OrderIntent,
  claimedAt: Date,
): Promise<OrderPick<SalesOrder>> {
  const numbers: string[] = [];
  for await (const o of orders.list({ customerOrderReference: reference, limit: MAX_CANDIDATES })) {
    // X3 may compare text loosely; only the exact reference counts.
    if (o.customerOrderReference !== null && o.customerOrderReference !== reference) continue;
    numbers.push(o.number);
  }
  const full: SalesOrder[] = [];
  for (const n of numbers) full.push(await orders.get(n));
  return pickOrder(full, intent, claimedAt);
}

/** 504 again: the lookup found orders under the reference but cannot say which, if any, is this request's. */
export function ambiguousOutcome(
  reference: string,
  pick: Extract<OrderPick<SalesOrder>, { kind: 'ambiguous' }>,
): ApiError {
  const list = pick.candidates.join(', ');
  const message =
    pick.matching.length > 1
      ? `The first attempt may have created a sales order, and X3 holds several orders with customer reference ${reference} that match this request (${pick.matching.join(', ')}); x3bridge adopted none of them. Check them in X3; if none is yours, send the request again with a new Idempotency-Key.`
      : `The first attempt may have created a sales order, but X3 holds only other orders with customer reference ${reference} (${list}: another customer, other lines or made before this request); x3bridge adopted none of them and sent nothing. Retry with the same Idempotency-Key later, or, once you know the order was not created, send it again with a new key.`;
  return new ApiError(504, 'outcome_uncertain', message, {
    customerOrderReference: reference,
    candidates: pick.candidates,
    matching: pick.matching,
  });
}
