import { useEffect, useState } from 'react';
import type { Quote } from '../api';
import { Badge, Empty, ErrorBox, Spinner, dash, formatTime } from '../components/common';
import { DataTable, type Column } from '../components/DataTable';
import { navigate } from '../router';
import { useSession } from '../session';

export function lastErrorText(e: Quote['lastError']): string {
  if (!e) return '';
  return [e.code, e.message].filter(Boolean).join(': ');
}

export function OrdersPage({ connectionId }: { connectionId: string }) {
  const { api } = useSession();
  const [quotes, setQuotes] = useState<Quote[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [nonce, setNonce] = useState(0);
  const [status, setStatus] = useState('');

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    api.listQuotes(connectionId, { limit: 50, status }).then(
      (page) => {
        if (!live) return;
        setQuotes(page.data);
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(err);
        setQuotes((q) => q ?? []);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, connectionId, nonce, status]);

  async function more() {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await api.listQuotes(connectionId, { limit: 50, cursor, status });
      setQuotes((q) => [...(q ?? []), ...page.data]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }

  const columns: Column<Quote>[] = [
    { key: 'quote', label: 'Quote', render: (q) => <span className="mono">{q.quoteId}</span> },
    {
      key: 'customer',
      label: 'Customer',
      render: (q) => <span className="mono">{dash(q.customerCode ?? q.customerAccount)}</span>,
    },
    { key: 'status', label: 'Status', render: (q) => <Badge status={q.status} /> },
    {
      key: 'order',
      label: 'X3 order',
      render: (q) => (q.orderNumber ? <span className="mono order-number">{q.orderNumber}</span> : '—'),
    },
    { key: 'attempts', label: 'Attempts', numeric: true, render: (q) => dash(q.attemptCount) },
    {
      key: 'error',
      label: 'Last error',
      render: (q) => <span className="error-text">{lastErrorText(q.lastError) || '—'}</span>,
    },
    { key: 'updated', label: 'Updated', render: (q) => formatTime(q.updatedAt ?? q.createdAt) },
  ];

  return (
    <section className="page" aria-labelledby="orders-title">
      <div className="page-head">
        <h1 id="orders-title">Order log</h1>
        <div className="actions">
          <div className="filter-inline">
            <label htmlFor="quote-status">Status</label>
            <select id="quote-status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">All</option>
              <option value="created">Created</option>
              <option value="pending">Pending</option>
              <option value="sending">Sending</option>
              <option value="failed">Failed</option>
            </select>
          </div>
          <button type="button" onClick={() => setNonce((n) => n + 1)} disabled={loading}>
            Refresh
          </button>
        </div>
      </div>
      <p className="muted">Accepted quotes, newest first, and the X3 sales order each one became.</p>
      <ErrorBox error={error} onRetry={() => setNonce((n) => n + 1)} />
      {quotes === null ? (
        <Spinner label="Loading orders…" />
      ) : quotes.length === 0 && !error && status ? (
        <Empty title={`No ${status} quote`}>Choose another status to see more.</Empty>
      ) : quotes.length === 0 && !error ? (
        <Empty title="No accepted quote yet">
          When your platform calls{' '}
          <code>
            POST /v1/connections/{'{id}'}/quotes/{'{quoteId}'}/accept
          </code>
          , the quote and its X3 order number show here.
        </Empty>
      ) : (
        <div className="card">
          <DataTable
            caption="Accepted quotes"
            columns={columns}
            rows={quotes}
            getKey={(q) => q.quoteId}
            onOpen={(q) => navigate({ name: 'order', connectionId, quoteId: q.quoteId })}
            openLabel={(q) => `Open quote ${q.quoteId}`}
          />
          {cursor ? (
            <div className="actions">
              <button type="button" onClick={() => void more()} disabled={loading}>
                {loading ? 'Loading…' : 'Load more'}
              </button>
            </div>
          ) : null}
        </div>
      )}
    </section>
  );
}
