import { useState } from 'react';
import type { Connection } from '../api';
import { Badge, Empty, ErrorBox, Spinner, formatTime } from '../components/common';
import { CheckSteps } from '../components/CheckSteps';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { stepsFrom, type StepView } from '../checks';
import { href } from '../router';
import { useSession } from '../session';

export function ConnectionsPage() {
  const { connections, connectionsError, reloadConnections } = useSession();

  return (
    <section className="page" aria-labelledby="connections-title">
      <div className="page-head">
        <h1 id="connections-title">Connections</h1>
        <a href={href({ name: 'wizard' })} className="button-link primary">
          New connection
        </a>
      </div>
      {connectionsError ? (
        <ErrorBox error={connectionsError} onRetry={() => void reloadConnections()} />
      ) : null}
      {connections === null ? (
        <Spinner label="Loading connections…" />
      ) : connections.length === 0 && !connectionsError ? (
        <Empty title="No connection yet">
          Connect a Sage X3 folder with the <a href={href({ name: 'wizard' })}>connection wizard</a>.
        </Empty>
      ) : (
        <ul className="connection-list">
          {connections.map((c) => (
            <ConnectionRow key={c.id} connection={c} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ConnectionRow({ connection: c }: { connection: Connection }) {
  const { api, reloadConnections } = useSession();
  const [busy, setBusy] = useState(false);
  const [steps, setSteps] = useState<StepView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api.deleteConnection(c.id);
      await reloadConnections();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  async function recheck() {
    setBusy(true);
    setError(null);
    try {
      const result = await api.recheckConnection(c.id);
      setSteps(stepsFrom(result, null, c.auth?.type ?? 'client_credentials').steps);
    } catch (err) {
      const views = stepsFrom(null, err, c.auth?.type ?? 'client_credentials').steps;
      if (views.some((s) => s.state === 'failed')) setSteps(views);
      else setError(err);
    } finally {
      setBusy(false);
      await reloadConnections();
    }
  }

  return (
    <li className="card connection" data-connection-id={c.id}>
      <div className="connection-head">
        <div>
          <h2>{c.name}</h2>
          <div className="muted small">
            <span className="mono">{c.folder}</span> · <span className="mono break">{c.baseUrl}</span>
            {c.auth?.type ? <> · {c.auth.type.replace(/_/g, ' ')}</> : null}
            {c.auth?.clientIdHint ? (
              <>
                {' '}
                · <span className="mono">{c.auth.clientIdHint}</span>
              </>
            ) : null}
          </div>
          <div className="muted small">Last checked {formatTime(c.lastCheckedAt ?? c.updatedAt)}</div>
        </div>
        <Badge status={busy ? 'checking' : c.status} />
      </div>
      <div className="actions">
        <button
          type="button"
          onClick={() => void recheck()}
          disabled={busy}
          aria-label={`Re-check ${c.name}`}
        >
          {busy ? 'Checking…' : 'Re-check'}
        </button>
        <a
          className="button-link"
          href={href({ name: 'connection', connectionId: c.id })}
          aria-label={`Edit ${c.name}`}
        >
          Edit
        </a>
        <a className="button-link" href={href({ name: 'mappings', connectionId: c.id, kind: 'products' })}>
          Mappings
        </a>
        <a className="button-link" href={href({ name: 'orders', connectionId: c.id })}>
          Orders
        </a>
        <a
          className="button-link"
          href={href({ name: 'records', connectionId: c.id, resource: 'customers' })}
        >
          Records
        </a>
        <span className="spacer" />
        <ConfirmDelete
          confirming={confirmDelete}
          onConfirmingChange={setConfirmDelete}
          question={'Delete this connection and its stored credentials?'}
          onDelete={() => void remove()}
          busy={busy}
          label={`Delete ${c.name}`}
          triggerText="Delete…"
          triggerClassName="link-button danger-link"
        />
      </div>
      {c.status !== 'active' && c.lastError && !busy ? (
        <div className="last-error">
          <p className="error-text">
            {c.lastError.message} <code className="error-code">{c.lastError.code}</code>
          </p>
          {c.lastError.fix ? <p className="fix">{c.lastError.fix}</p> : null}
        </div>
      ) : null}
      {steps ? <CheckSteps steps={steps} /> : null}
      <ErrorBox error={error} connectionId={c.id} />
    </li>
  );
}
