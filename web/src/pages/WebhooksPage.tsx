import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  webhookEventTypes,
  type CreatedWebhook,
  type DeliveryState,
  type Webhook,
  type WebhookDelivery,
  type WebhookEventType,
} from '../api';
import { Badge, Empty, ErrorBox, Spinner, formatTime } from '../components/common';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { DataTable, type Column } from '../components/DataTable';
import { href, navigate } from '../router';
import { useSession } from '../session';
import { verifySnippet } from '../signature-snippet';

const eventLabels: Record<WebhookEventType, string> = {
  'order.created': 'an X3 order was created for a quote',
  'order.failed': 'a quote could not become an order',
  'connection.status_changed': 'a connection started or stopped working',
};

export function WebhooksPage({ webhookId }: { webhookId: string | null }) {
  const { api } = useSession();
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    api.listWebhooks().then(
      (list) => live && setHooks(list),
      (err: unknown) => {
        if (!live) return;
        setError(err);
        setHooks((h) => h ?? []);
      },
    );
    return () => {
      live = false;
    };
  }, [api, nonce]);

  const selected = hooks?.find((h) => h.id === webhookId) ?? null;

  return (
    <section className="page" aria-labelledby="webhooks-title">
      <div className="page-head">
        <h1 id="webhooks-title">Webhooks</h1>
      </div>
      <p className="muted">
        x3bridge POSTs each event to your endpoints, signed with the endpoint&apos;s secret, and retries with
        backoff until your endpoint answers 2xx. The endpoints serve every connection of this environment.
      </p>

      {created ? <SecretPanel hook={created} onDone={() => setCreated(null)} /> : null}

      <div className="webhooks-layout">
        <AddWebhookForm
          onCreated={(h) => {
            setCreated(h);
            setHooks((list) => [h, ...(list ?? []).filter((x) => x.id !== h.id)]);
          }}
        />
        <div>
          <ErrorBox error={error} onRetry={() => setNonce((n) => n + 1)} />
          {hooks === null ? (
            <Spinner label="Loading webhooks…" />
          ) : hooks.length === 0 && !error ? (
            <Empty title="No webhook yet">Add an endpoint to hear when orders are created or fail.</Empty>
          ) : (
            <ul className="webhook-list">
              {hooks.map((h) => (
                <WebhookRow
                  key={h.id}
                  hook={h}
                  selected={h.id === webhookId}
                  onDeleted={() => {
                    setHooks((list) => (list ?? []).filter((x) => x.id !== h.id));
                    if (created?.id === h.id) setCreated(null);
                    if (h.id === webhookId) navigate({ name: 'webhooks', webhookId: null });
                  }}
                />
              ))}
            </ul>
          )}
        </div>
      </div>

      {selected ? <Deliveries key={selected.id} hook={selected} /> : null}
      {webhookId && hooks && !selected ? (
        <Empty title="Webhook not found">
          It may have been deleted. <a href={href({ name: 'webhooks', webhookId: null })}>See all webhooks</a>
          .
        </Empty>
      ) : null}
    </section>
  );
}

function AddWebhookForm({ onCreated }: { onCreated: (h: CreatedWebhook) => void }) {
  const { api } = useSession();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<Set<WebhookEventType>>(() => new Set(webhookEventTypes));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const hook = await api.createWebhook({
        url: url.trim(),
        events: webhookEventTypes.filter((t) => events.has(t)),
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      setUrl('');
      setDescription('');
      onCreated(hook);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function toggle(t: WebhookEventType, on: boolean) {
    setEvents((prev) => {
      const next = new Set(prev);
      if (on) next.add(t);
      else next.delete(t);
      return next;
    });
  }

  return (
    <form className="card form" onSubmit={(e) => void onSubmit(e)} aria-label="Add an endpoint">
      <h2>Add an endpoint</h2>
      <label htmlFor="wh-url">Endpoint URL</label>
      <input
        id="wh-url"
        type="url"
        inputMode="url"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        required
        maxLength={2000}
        placeholder="https://platform.example.com/hooks/x3bridge"
      />
      <label htmlFor="wh-description">
        Description <span className="muted">(optional)</span>
      </label>
      <input
        id="wh-description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        maxLength={200}
      />
      <fieldset className="events">
        <legend>Events</legend>
        {webhookEventTypes.map((t) => (
          <label key={t} className="checkbox">
            <input type="checkbox" checked={events.has(t)} onChange={(e) => toggle(t, e.target.checked)} />
            <span>
              <span className="mono">{t}</span> <span className="muted small">{eventLabels[t]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || events.size === 0}>
          {busy ? 'Adding…' : 'Add endpoint'}
        </button>
      </div>
      <ErrorBox error={error} />
    </form>
  );
}

/** The one time the secret is on screen: it lives in this component's props only. */
function SecretPanel({ hook, onDone }: { hook: CreatedWebhook; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const input = useRef<HTMLInputElement>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(hook.secret);
      setCopied('yes');
    } catch {
      // Clipboard refused (permissions, plain http): select the text so Ctrl+C works.
      input.current?.select();
      setCopied('failed');
    }
  }

  return (
    <section className="card secret-panel" aria-labelledby="secret-title" data-webhook-id={hook.id}>
      <h2 id="secret-title">Signing secret for {hook.url}</h2>
      <p className="warning">
        <strong>Copy it now: you won&apos;t see it again.</strong> x3bridge keeps it encrypted and never shows
        it after this page. If it is lost, delete the endpoint and add it again.
      </p>
      <div className="secret-row">
        <label htmlFor="wh-secret" className="visually-hidden">
          Signing secret
        </label>
        <input
          id="wh-secret"
          ref={input}
          className="mono"
          readOnly
          value={hook.secret}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          Copy secret
        </button>
        <span role="status" className="muted small">
          {copied === 'yes' ? 'Copied.' : copied === 'failed' ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
        </span>
      </div>
      <h3>Verify each delivery</h3>
      <p className="muted small">
        Every POST carries <code>X3bridge-Signature: t=…,v1=…</code>: an HMAC-SHA256 of{' '}
        <code>t + &quot;.&quot; + raw body</code> with this secret. Recompute it over the raw body, compare in
        constant time, and refuse a <code>t</code> more than five minutes old. In Node,{' '}
        <code>verifyWebhookSignature</code> from the x3bridge package does all three; by hand:
      </p>
      <pre className="snippet">
        <code>{verifySnippet}</code>
      </pre>
      <div className="actions">
        <button type="button" className="primary" onClick={onDone}>
          I have stored the secret
        </button>
      </div>
    </section>
  );
}

function WebhookRow({
  hook: h,
  selected,
  onDeleted,
}: {
  hook: Webhook;
  selected: boolean;
  onDeleted: () => void;
}) {
  const { api } = useSession();
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api.deleteWebhook(h.id);
      onDeleted();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <li className={`card webhook${selected ? ' selected' : ''}`} data-webhook-id={h.id}>
      <div className="mono break webhook-url">{h.url}</div>
      {h.description ? <div className="small">{h.description}</div> : null}
      <div className="tags">
        {h.events.map((t) => (
          <span key={t} className="tag mono">
            {t}
          </span>
        ))}
      </div>
      <div className="muted small">Added {formatTime(h.createdAt)}</div>
      <div className="actions">
        <a
          className={`button-link${selected ? ' primary' : ''}`}
          href={href({ name: 'webhooks', webhookId: h.id })}
          aria-current={selected ? 'true' : undefined}
          aria-label={`Deliveries to ${h.url}`}
        >
          Deliveries
        </a>
        <span className="spacer" />
        <ConfirmDelete
          confirming={confirm}
          onConfirmingChange={setConfirm}
          question={'Delete this endpoint and its pending deliveries?'}
          onDelete={() => void remove()}
          busy={busy}
          label={`Delete ${h.url}`}
          triggerText="Delete…"
          triggerClassName="link-button danger-link"
        />
      </div>
      <ErrorBox error={error} />
    </li>
  );
}

function Deliveries({ hook }: { hook: Webhook }) {
  const { api } = useSession();
  const [rows, setRows] = useState<WebhookDelivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<DeliveryState | ''>('');
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    api.listDeliveries(hook.id, { limit: 50, state: state || null }).then(
      (page) => {
        if (!live) return;
        setRows(page.data);
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(err);
        setRows((r) => r ?? []);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, hook.id, state, nonce]);

  async function more() {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await api.listDeliveries(hook.id, { limit: 50, cursor, state: state || null });
      setRows((r) => [...(r ?? []), ...page.data]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }

  async function redeliver(d: WebhookDelivery) {
    setError(null);
    setNotice(null);
    try {
      const fresh = await api.redeliver(hook.id, d.id);
      setNotice(`Queued ${d.eventType} again as a new delivery; the earlier one keeps its history.`);
      if (!state || state === fresh.state) setRows((r) => [fresh, ...(r ?? [])]);
    } catch (err) {
      setError(err);
    }
  }

  const columns: Column<WebhookDelivery>[] = [
    { key: 'event', label: 'Event', render: (d) => <span className="mono">{d.eventType}</span> },
    { key: 'created', label: 'Created', render: (d) => formatTime(d.createdAt) },
    { key: 'state', label: 'State', render: (d) => <Badge status={d.state} /> },
    { key: 'attempts', label: 'Attempts', numeric: true, render: (d) => d.attempts },
    { key: 'status', label: 'Last answer', numeric: true, render: (d) => d.lastStatus ?? '—' },
    {
      key: 'error',
      label: 'Last error',
      render: (d) => (d.lastError ? <span className="error-text">{d.lastError}</span> : '—'),
    },
    {
      key: 'when',
      label: 'Delivered / next try',
      render: (d) =>
        d.deliveredAt
          ? formatTime(d.deliveredAt)
          : d.nextAttemptAt
            ? `next ${formatTime(d.nextAttemptAt)}`
            : '—',
    },
    {
      key: 'redeliver',
      label: 'Redeliver',
      render: (d) => (
        <button
          type="button"
          className="small-button"
          onClick={() => void redeliver(d)}
          aria-label={`Redeliver ${d.id}`}
        >
          Redeliver
        </button>
      ),
    },
  ];

  return (
    <section className="card deliveries" aria-labelledby="deliveries-title">
      <div className="page-head">
        <h2 id="deliveries-title">
          Deliveries to <span className="mono break">{hook.url}</span>
        </h2>
        <div className="actions">
          <label htmlFor="dl-state" className="visually-hidden">
            Delivery state
          </label>
          <select
            id="dl-state"
            value={state}
            onChange={(e) => setState(e.target.value as DeliveryState | '')}
          >
            <option value="">All states</option>
            <option value="pending">Pending</option>
            <option value="sending">Sending</option>
            <option value="delivered">Delivered</option>
            <option value="dead">Given up</option>
          </select>
          <button type="button" onClick={() => setNonce((n) => n + 1)} disabled={loading}>
            Refresh
          </button>
        </div>
      </div>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorBox error={error} />
      {rows === null ? (
        <Spinner label="Loading deliveries…" />
      ) : rows.length === 0 ? (
        <Empty title={state ? `No ${state} delivery` : 'No delivery yet'}>
          Events subscribed to here appear as soon as they happen.
        </Empty>
      ) : (
        <>
          <DataTable
            columns={columns}
            rows={rows}
            getKey={(d) => d.id}
            caption={`Deliveries to ${hook.url}`}
          />
          {cursor ? (
            <button type="button" onClick={() => void more()} disabled={loading}>
              {loading ? 'Loading…' : 'Load more'}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
