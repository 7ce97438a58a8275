import type { ReactNode } from 'react';
import type { Delivery, QuoteAttempt, QuoteDetail, SalesOrder, SalesOrderLine } from '../api';
import { Badge, Empty, ErrorBox, Spinner, dash, formatTime } from '../components/common';
import { DataTable, type Column } from '../components/DataTable';
import { useAsync } from '../hooks';
import { href } from '../router';
import { useSession } from '../session';
import { lastErrorText } from './OrdersPage';

interface Detail {
  quote: QuoteDetail;
  order: SalesOrder | null;
  orderError: unknown;
  deliveries: Delivery[] | null;
  deliveriesError: unknown;
}

export function OrderDetailPage({ connectionId, quoteId }: { connectionId: string; quoteId: string }) {
  const { api } = useSession();
  const detail = useAsync<Detail>(async () => {
    const quote = await api.getQuote(connectionId, quoteId);
    if (!quote.orderNumber)
      return { quote, order: null, orderError: null, deliveries: null, deliveriesError: null };
    const number = quote.orderNumber;
    // The order as X3 has it now, and what shipped: both can fail on their own (X3 busy).
    const [order, deliveries] = await Promise.allSettled([
      api.getSalesOrder(connectionId, number),
      api.listSalesOrderDeliveries(connectionId, number),
    ]);
    return {
      quote,
      order: order.status === 'fulfilled' ? order.value : null,
      orderError: order.status === 'rejected' ? order.reason : null,
      deliveries: deliveries.status === 'fulfilled' ? deliveries.value.data : null,
      deliveriesError: deliveries.status === 'rejected' ? deliveries.reason : null,
    };
  }, [api, connectionId, quoteId]);

  const d = detail.data;
  return (
    <section className="page" aria-labelledby="order-title">
      <div className="page-head">
        <h1 id="order-title">
          Quote <span className="mono">{quoteId}</span>
        </h1>
        <div className="actions">
          <button type="button" onClick={detail.reload} disabled={detail.loading}>
            Refresh
          </button>
          <a className="button-link" href={href({ name: 'orders', connectionId })}>
            Back to order log
          </a>
        </div>
      </div>
      <ErrorBox error={detail.error} onRetry={detail.reload} />
      {detail.loading && !d ? <Spinner label="Loading the order from X3…" /> : null}
      {d ? (
        <>
          <div className="card">
            <dl className="facts">
              <Fact label="Status">
                <Badge status={d.quote.status} />
              </Fact>
              <Fact label="X3 order">
                <span className="mono order-number">{dash(d.quote.orderNumber)}</span>
              </Fact>
              <Fact label="Attempts">{dash(d.quote.attemptCount)}</Fact>
              <Fact label="Reference">{dash(d.quote.reference)}</Fact>
              <Fact label="Customer">
                {dash(d.quote.customerAccount)} → <span className="mono">{dash(d.quote.customerCode)}</span>
              </Fact>
              <Fact label="Requested delivery">{dash(d.quote.requestedDeliveryDate)}</Fact>
              <Fact label="Accepted">{formatTime(d.quote.createdAt)}</Fact>
              <Fact label="Updated">{formatTime(d.quote.updatedAt)}</Fact>
              {d.quote.nextAttemptAt ? (
                <Fact label="Next attempt">{formatTime(d.quote.nextAttemptAt)}</Fact>
              ) : null}
              {d.quote.lastError ? (
                <Fact label="Last error">
                  <span className="error-text">{lastErrorText(d.quote.lastError)}</span>
                </Fact>
              ) : null}
            </dl>
            {d.quote.attempts?.length ? (
              <>
                <h3>Attempts</h3>
                <DataTable
                  caption="Attempts to create the X3 order"
                  columns={attemptColumns}
                  rows={d.quote.attempts}
                  getKey={(a) => String(a.number)}
                />
              </>
            ) : null}
          </div>
          {d.quote.orderNumber ? (
            <>
              <OrderSection order={d.order} error={d.orderError} />
              <DeliveriesSection deliveries={d.deliveries} error={d.deliveriesError} />
            </>
          ) : (
            <Empty title="No X3 order yet">
              {d.quote.status === 'pending'
                ? 'X3 could not be reached when the quote was accepted; x3bridge keeps retrying.'
                : 'This quote has not become an X3 sales order.'}
            </Empty>
          )}
        </>
      ) : null}
    </section>
  );
}

function words(v: string | null | undefined): string {
  return v ? v.replace(/_/g, ' ') : '—';
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const attemptColumns: Column<QuoteAttempt>[] = [
  { key: 'n', label: '#', numeric: true, render: (a) => a.number },
  { key: 'at', label: 'Started', render: (a) => formatTime(a.startedAt) },
  {
    key: 'outcome',
    label: 'Outcome',
    render: (a) => `${a.outcome.replace(/_/g, ' ')}${a.lookup ? ' (lookup)' : ''}`,
  },
  { key: 'order', label: 'Order', render: (a) => <span className="mono">{dash(a.orderNumber)}</span> },
  {
    key: 'error',
    label: 'Error',
    render: (a) => <span className="error-text">{a.error ? lastErrorText(a.error) : '—'}</span>,
  },
];

const lineColumns: Column<SalesOrderLine>[] = [
  { key: 'line', label: 'Line', numeric: true, render: (l) => l.lineNumber },
  { key: 'item', label: 'Item', render: (l) => <span className="mono">{l.itemRef}</span> },
  { key: 'desc', label: 'Description', render: (l) => dash(l.description) },
  { key: 'qty', label: 'Quantity', numeric: true, render: (l) => `${l.quantity} ${l.salesUnit ?? ''}` },
  { key: 'price', label: 'Net price', numeric: true, render: (l) => dash(l.netPrice) },
  { key: 'amount', label: 'Amount', numeric: true, render: (l) => dash(l.amount) },
  { key: 'delivered', label: 'Delivered', numeric: true, render: (l) => dash(l.deliveredQuantity) },
  { key: 'todo', label: 'To deliver', numeric: true, render: (l) => dash(l.quantityToDeliver) },
];

function OrderSection({ order, error }: { order: SalesOrder | null; error: unknown }) {
  return (
    <div className="card" aria-labelledby="so-title">
      <h2 id="so-title">Sales order in X3</h2>
      <ErrorBox error={error} />
      {order ? (
        <>
          <dl className="facts">
            <Fact label="Customer">
              <span className="mono">{dash(order.customerCode)}</span> {order.customerName ?? ''}
            </Fact>
            <Fact label="Site">{dash(order.salesSite)}</Fact>
            <Fact label="Order date">{dash(order.orderDate)}</Fact>
            <Fact label="Requested delivery">{dash(order.requestedDeliveryDate)}</Fact>
            <Fact label="Customer reference">{dash(order.customerOrderReference)}</Fact>
            <Fact label="Delivery">{words(order.deliveryStatus)}</Fact>
            <Fact label="Invoicing">{words(order.invoiceStatus)}</Fact>
            <Fact label="Total excl. tax">
              {dash(order.totalExcludingTax)} {order.currency ?? ''}
            </Fact>
            <Fact label="Total incl. tax">
              {dash(order.totalIncludingTax)} {order.currency ?? ''}
            </Fact>
          </dl>
          {order.lines?.length ? (
            <DataTable
              caption="Order lines"
              columns={lineColumns}
              rows={order.lines}
              getKey={(l) => String(l.lineNumber)}
            />
          ) : (
            <Empty title="No lines" />
          )}
        </>
      ) : null}
    </div>
  );
}

function DeliveriesSection({ deliveries, error }: { deliveries: Delivery[] | null; error: unknown }) {
  return (
    <div className="card" aria-labelledby="dlv-title">
      <h2 id="dlv-title">Deliveries</h2>
      <ErrorBox error={error} />
      {deliveries && deliveries.length === 0 ? <Empty title="Not shipped yet" /> : null}
      {deliveries?.map((d) => (
        <div key={d.number} className="delivery">
          <h3>
            <span className="mono">{d.number}</span>{' '}
            <span className="muted small">
              {dash(d.deliveryDate)} · {d.validated ? 'validated' : 'not validated'}
              {d.invoiced ? ' · invoiced' : ''}
            </span>
          </h3>
          <ul className="plain">
            {d.lines?.map((l) => (
              <li key={l.lineNumber}>
                <span className="mono">{l.itemRef}</span> × {l.quantity} {l.salesUnit ?? ''}{' '}
                {l.description ? <span className="muted">{l.description}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
