import type { AttemptOutcome, QuoteApi } from './order.js';
import type { QuoteRow } from './order.repository.js';

type AttemptRow = {
  number: number;
  started_at: Date;
  finished_at: Date | null;
  outcome: AttemptOutcome;
  lookup: boolean;
  order_number: string | null;
  error: { code: string; message: string; details?: unknown } | null;
};

export function formatQuote(row: QuoteRow): QuoteApi {
  const draft = row.draft;
  return {
    quoteId: row.quote_id,
    connectionId: row.connection_id,
    status: row.status,
    orderNumber: row.order_number,
    customerAccount: row.request.customerAccount,
    customerCode: draft.customerCode,
    reference: row.request.reference ?? null,
    requestedDeliveryDate: draft.requestedDeliveryDate,
    lines: row.request.lines.map((l, i) => ({
      productCode: l.productCode,
      itemRef: draft.lines[i]?.itemRef ?? '',
      quantity: l.quantity,
      unitPrice: l.unitPrice === undefined ? null : String(l.unitPrice),
    })),
    attemptCount: row.attempt_count,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at ? new Date(row.next_attempt_at).toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function formatAttempt(a: AttemptRow) {
  return {
    number: a.number,
    startedAt: a.started_at.toISOString(),
    finishedAt: a.finished_at ? a.finished_at.toISOString() : null,
    outcome: a.outcome,
    lookup: a.lookup,
    orderNumber: a.order_number,
    error: a.error,
  };
}
