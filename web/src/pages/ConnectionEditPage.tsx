import { useState, type FormEvent, type ReactNode } from 'react';
import type { AuthType, Connection, ConnectionPatch } from '../api';
import {
  AuthFields,
  CaCertificateField,
  initialAuthForm,
  toAuthInput,
  type AuthFormState,
} from '../components/AuthFields';
import { CheckSteps } from '../components/CheckSteps';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { Badge, ErrorBox, formatTime } from '../components/common';
import { fixFor, normalizeBaseUrl, normalizeFolder, pendingSteps, stepsFrom, type StepView } from '../checks';
import { describeError } from '../errors';
import { href, navigate } from '../router';
import { useSession } from '../session';

export function ConnectionEditPage({ connectionId }: { connectionId: string }) {
  const { connections } = useSession();
  const connection = connections?.find((c) => c.id === connectionId);
  if (!connection) return null;
  // Keyed by id: switching connections starts every form afresh.
  return <ConnectionEditor key={connection.id} connection={connection} />;
}

interface RunState {
  busy: boolean;
  steps: StepView[] | null;
  error: unknown;
  notice: string | null;
}

const idle: RunState = { busy: false, steps: null, error: null, notice: null };

/**
 * One PATCH with the wizard's way of showing the outcome: the check steps when X3 was asked
 * (new credentials, host or folder), the error box for anything else.
 */
function usePatch(connection: Connection) {
  const { api, reloadConnections } = useSession();
  const [state, setState] = useState<RunState>(idle);

  async function run(
    patch: ConnectionPatch,
    opts: { checked: boolean; authType: AuthType; done: string; verify?: (c: Connection) => string | null },
  ): Promise<boolean> {
    setState({ busy: true, steps: opts.checked ? pendingSteps('running') : null, error: null, notice: null });
    try {
      const updated = await api.patchConnection(connection.id, patch);
      const problem = opts.verify?.(updated) ?? null;
      const steps = updated.checks ? stepsFrom({ checks: updated.checks }, null, opts.authType).steps : null;
      setState({
        busy: false,
        steps,
        error: problem ? new Error(problem) : null,
        notice: problem ? null : opts.done,
      });
      await reloadConnections();
      return !problem;
    } catch (err) {
      const views = opts.checked ? stepsFrom(null, err, opts.authType).steps : null;
      const stepFailed = views?.some((s) => s.state === 'failed') ?? false;
      setState({
        busy: false,
        steps: stepFailed ? views : null,
        error: stepFailed ? null : err,
        notice: null,
      });
      // A failed check can still have changed the recorded status (say, auth_failed).
      await reloadConnections();
      return false;
    }
  }
  return { ...state, run };
}

function Outcome({ state }: { state: RunState }) {
  return (
    <>
      {state.steps ? <CheckSteps steps={state.steps} /> : null}
      {state.notice ? (
        <p className="notice notice-ok" role="status">
          {state.notice}
        </p>
      ) : null}
      <ErrorBox error={state.error} />
    </>
  );
}

function Section({
  id,
  title,
  intro,
  children,
}: {
  id: string;
  title: string;
  intro: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card edit-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p className="muted small">{intro}</p>
      {children}
    </section>
  );
}

function sameUrl(a: string, b: string): boolean {
  try {
    return normalizeBaseUrl(new URL(a).href) === normalizeBaseUrl(new URL(b).href);
  } catch {
    return normalizeBaseUrl(a) === normalizeBaseUrl(b);
  }
}

function ConnectionEditor({ connection: c }: { connection: Connection }) {
  const authType: AuthType = c.auth?.type ?? 'client_credentials';
  return (
    <section className="page" aria-labelledby="edit-title">
      <div className="page-head">
        <div>
          <h1 id="edit-title">Edit connection</h1>
          <p className="muted small">
            {c.name} · <span className="mono">{c.folder}</span> · last checked{' '}
            {formatTime(c.lastCheckedAt ?? c.updatedAt)} <Badge status={c.status} />
          </p>
        </div>
        <a href={href({ name: 'connections' })} className="button-link">
          Back to connections
        </a>
      </div>
      <div className="edit-grid">
        <DetailsForm connection={c} />
        <ServerForm connection={c} authType={authType} />
        <CredentialsForm connection={c} />
        <DeleteSection connection={c} />
      </div>
    </section>
  );
}

function DetailsForm({ connection: c }: { connection: Connection }) {
  const [name, setName] = useState(c.name);
  const [externalId, setExternalId] = useState(c.externalId ?? '');
  const patch = usePatch(c);
  const changes: ConnectionPatch = {};
  if (name.trim() !== c.name) changes.name = name.trim();
  if (externalId.trim() !== (c.externalId ?? '')) changes.externalId = externalId.trim() || null;
  const changed = Object.keys(changes).length > 0;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!changed) return;
    void patch.run(changes, { checked: false, authType: 'client_credentials', done: 'Saved.' });
  }

  return (
    <Section
      id="edit-details"
      title="Name and reference"
      intro="Only x3bridge uses these: X3 is not asked, nothing is re-checked."
    >
      <form className="form" onSubmit={onSubmit} aria-label="Name and reference">
        <label htmlFor="ce-name">Name</label>
        <input id="ce-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        <label htmlFor="ce-external">
          External id <span className="muted">(optional, your own reference; empty clears it)</span>
        </label>
        <input
          id="ce-external"
          value={externalId}
          onChange={(e) => setExternalId(e.target.value)}
          maxLength={200}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={!changed || patch.busy}>
            {patch.busy ? 'Saving…' : 'Save name and reference'}
          </button>
        </div>
      </form>
      <Outcome state={patch} />
    </Section>
  );
}

function ServerForm({ connection: c, authType }: { connection: Connection; authType: AuthType }) {
  const [baseUrl, setBaseUrl] = useState(c.baseUrl);
  const [folder, setFolder] = useState(c.folder);
  const [caPem, setCaPem] = useState('');
  const patch = usePatch(c);
  const changes: ConnectionPatch = {};
  if (!sameUrl(baseUrl, c.baseUrl)) changes.baseUrl = normalizeBaseUrl(baseUrl);
  if (normalizeFolder(folder) !== c.folder) changes.folder = normalizeFolder(folder);
  if (caPem.trim()) changes.settings = { tls: { ca: caPem.trim() } };
  const changed = Object.keys(changes).length > 0;
  const trusted = c.settings?.tls?.certificates ?? [];

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!changed) return;
    void patch
      .run(changes, {
        checked: true,
        authType,
        done: changes.settings
          ? 'Checked and saved: x3bridge now trusts this CA certificate for this connection.'
          : 'Checked and saved: x3bridge now uses this server and folder.',
        // A server that does not know these fields yet may drop them silently: say so rather than
        // report a change that did not happen.
        verify: (u) =>
          (changes.baseUrl && !sameUrl(u.baseUrl, changes.baseUrl)) ||
          (changes.folder && u.folder !== changes.folder)
            ? `The server kept ${u.baseUrl} and folder ${u.folder}: it did not apply the change. It may be older than this admin UI.`
            : null,
      })
      // Saved: the summary above now lists it, the box is free for a replacement.
      .then((saved) => saved && setCaPem(''));
  }

  return (
    <Section
      id="edit-server"
      title="X3 server and folder"
      intro="The stored credentials are tried against the new host or folder (a token, then one customer read) before anything is saved."
    >
      <form className="form" onSubmit={onSubmit} aria-label="X3 server and folder">
        <label htmlFor="ce-url">Host URL</label>
        <input
          id="ce-url"
          type="url"
          inputMode="url"
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.target.value)}
          required
        />
        <label htmlFor="ce-folder">Folder</label>
        <input
          id="ce-folder"
          value={folder}
          onChange={(e) => setFolder(e.target.value)}
          required
          autoCapitalize="characters"
          spellCheck={false}
        />
        <details className="advanced" open={trusted.length > 0}>
          <summary>Advanced</summary>
          {trusted.length > 0 ? (
            <ul className="muted small" aria-label="Trusted CA certificates">
              {trusted.map((t) => (
                <li key={t.sha256}>
                  Trusted: {t.subject} · SHA-256 <span className="mono">{t.sha256}</span>
                </li>
              ))}
            </ul>
          ) : null}
          <CaCertificateField id="ce-ca" value={caPem} onChange={setCaPem} />
        </details>
        <div className="actions">
          <button type="submit" className="primary" disabled={!changed || patch.busy}>
            {patch.busy ? 'Checking…' : 'Check and save server'}
          </button>
        </div>
      </form>
      <Outcome state={patch} />
    </Section>
  );
}

function CredentialsForm({ connection: c }: { connection: Connection }) {
  const [form, setForm] = useState<AuthFormState>({
    ...initialAuthForm,
    authType: c.auth?.type ?? 'client_credentials',
  });
  const patch = usePatch(c);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const saved = await patch.run(
      { auth: toAuthInput(form) },
      {
        checked: true,
        authType: form.authType,
        done: 'New credentials checked and saved; the old ones are gone.',
      },
    );
    // Secrets do not linger in the page once they are stored.
    if (saved) setForm((f) => ({ ...f, clientSecret: '', appSecret: '', basicPassword: '' }));
  }

  const topFix =
    patch.error && !describeError(patch.error).fix
      ? fixFor((patch.error as { code?: string }).code, form.authType)
      : null;

  return (
    <Section
      id="edit-credentials"
      title="Credentials"
      intro={
        <>
          Now: {(c.auth?.type ?? 'client_credentials').replace(/_/g, ' ')}
          {c.auth?.clientIdHint ? (
            <>
              , <span className="mono">{c.auth.clientIdHint}</span>
            </>
          ) : null}
          . New credentials are checked against X3 first; the stored ones stay in use if the check fails.
        </>
      }
    >
      <form className="form" onSubmit={(e) => void onSubmit(e)} aria-label="Credentials">
        <AuthFields form={form} setForm={setForm} idPrefix="ce" />
        <div className="actions">
          <button type="submit" className="primary" disabled={patch.busy}>
            {patch.busy ? 'Checking…' : 'Check and save credentials'}
          </button>
        </div>
      </form>
      {topFix ? <p className="fix">{topFix}</p> : null}
      <Outcome state={patch} />
    </Section>
  );
}

function DeleteSection({ connection: c }: { connection: Connection }) {
  const { api, reloadConnections } = useSession();
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api.deleteConnection(c.id);
      await reloadConnections();
      navigate({ name: 'connections' });
    } catch (err) {
      setError(err);
      setBusy(false);
      setConfirm(false);
    }
  }

  return (
    <Section
      id="edit-delete"
      title="Delete"
      intro="Removes the connection and its stored credentials. Refused while quotes on it still wait for X3."
    >
      <div className="actions">
        <ConfirmDelete
          confirming={confirm}
          onConfirmingChange={setConfirm}
          question={`Delete ${c.name} and its stored credentials?`}
          onDelete={() => void remove()}
          busy={busy}
          label={`Delete ${c.name}`}
          triggerText="Delete connection…"
          triggerClassName="danger"
        />
      </div>
      <ErrorBox error={error} connectionId={c.id} />
    </Section>
  );
}
