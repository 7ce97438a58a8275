import { useState, type FormEvent } from 'react';
import { ApiError, type AuthType, type CheckResult, type ConnectionInput } from '../api';
import { ErrorBox, fixOf } from '../components/common';
import { CheckSteps } from '../components/CheckSteps';
import { fixFor, pendingSteps, stepsFrom, type StepView } from '../checks';
import { navigate } from '../router';
import { useSession } from '../session';

interface FormState {
  name: string;
  externalId: string;
  baseUrl: string;
  folder: string;
  authType: AuthType;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  scope: string;
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  appSecret: string;
  appUser: string;
  audience: string;
  lifetimeSeconds: string;
  basicUser: string;
  basicPassword: string;
}

const initial: FormState = {
  name: '',
  externalId: '',
  baseUrl: '',
  folder: '',
  authType: 'client_credentials',
  clientId: '',
  clientSecret: '',
  tokenUrl: '',
  scope: '',
  tokenEndpointAuthMethod: 'client_secret_basic',
  appSecret: '',
  appUser: '',
  audience: '',
  lifetimeSeconds: '',
  basicUser: '',
  basicPassword: '',
};

const opt = (s: string) => (s.trim() ? s.trim() : undefined);

export function toConnectionInput(f: FormState): ConnectionInput {
  const base = {
    name: f.name.trim(),
    externalId: opt(f.externalId),
    baseUrl: f.baseUrl.trim().replace(/\/+$/, ''),
    folder: f.folder.trim().toUpperCase(),
  };
  switch (f.authType) {
    case 'client_credentials':
      return {
        ...base,
        auth: {
          type: 'client_credentials',
          clientId: f.clientId.trim(),
          clientSecret: f.clientSecret,
          tokenUrl: opt(f.tokenUrl),
          scope: opt(f.scope),
          tokenEndpointAuthMethod: f.tokenEndpointAuthMethod,
        },
      };
    case 'connected_app':
      return {
        ...base,
        auth: {
          type: 'connected_app',
          clientId: f.clientId.trim(),
          secret: f.appSecret,
          user: f.appUser.trim(),
          audience: opt(f.audience),
          lifetimeSeconds: f.lifetimeSeconds.trim() ? Number(f.lifetimeSeconds) : undefined,
        },
      };
    case 'basic':
      return { ...base, auth: { type: 'basic', user: f.basicUser.trim(), password: f.basicPassword } };
  }
}

export function ConnectionWizard() {
  const { api, reloadConnections, setCurrentConnectionId } = useSession();
  const [form, setForm] = useState<FormState>(initial);
  const [steps, setSteps] = useState<StepView[]>(pendingSteps('idle'));
  const [busy, setBusy] = useState<'check' | 'save' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<'ok' | 'failed' | null>(null);

  const set =
    <K extends keyof FormState>(k: K) =>
    (e: { target: { value: string } }) =>
      setForm((f) => ({ ...f, [k]: e.target.value as FormState[K] }));

  async function run(kind: 'check' | 'save') {
    setBusy(kind);
    setError(null);
    setOutcome(null);
    setSteps(pendingSteps('running'));
    const input = toConnectionInput(form);
    let result: (CheckResult & { connection?: { id: string } }) | null = null;
    let err: unknown = null;
    try {
      result = kind === 'check' ? await api.checkConnectionInput(input) : await api.createConnection(input);
    } catch (e) {
      err = e;
    }
    const { steps: views } = stepsFrom(result, err, form.authType);
    setSteps(views);
    const allOk = !err && views.every((s) => s.state === 'ok');
    setOutcome(allOk ? 'ok' : 'failed');
    // A failing step already explains itself; keep the error box for failures outside the steps.
    if (err && !views.some((s) => s.state === 'failed')) setError(err);
    setBusy(null);
    // On a narrow window the checks sit below the form: bring the outcome into view.
    document.getElementById('checks-title')?.scrollIntoView({ block: 'nearest' });
    if (kind === 'save' && !err && result) {
      const id = result.id ?? result.connection?.id ?? null;
      await reloadConnections();
      if (id) setCurrentConnectionId(id);
      navigate({ name: 'connections' });
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void run('save');
  }

  const topFix =
    error instanceof ApiError && !fixOf(error.details) ? fixFor(error.code, form.authType) : null;

  return (
    <section className="page" aria-labelledby="wizard-title">
      <div className="page-head">
        <h1 id="wizard-title">New connection</h1>
        <a href="#/connections" className="button-link">
          Back to connections
        </a>
      </div>
      <div className="wizard">
        <form className="card form" onSubmit={onSubmit} aria-label="Connection settings">
          <fieldset>
            <legend>X3 server</legend>
            <label htmlFor="cw-name">Name</label>
            <input
              id="cw-name"
              value={form.name}
              onChange={set('name')}
              required
              placeholder="Aldgate Packaging Solutions"
            />
            <label htmlFor="cw-external">
              External id <span className="muted">(optional, your own reference)</span>
            </label>
            <input
              id="cw-external"
              value={form.externalId}
              onChange={set('externalId')}
              placeholder="aldgate"
            />
            <label htmlFor="cw-url">Host URL</label>
            <input
              id="cw-url"
              type="url"
              value={form.baseUrl}
              onChange={set('baseUrl')}
              required
              placeholder="https://x3.example.com:8124"
              inputMode="url"
            />
            <label htmlFor="cw-folder">Folder</label>
            <input
              id="cw-folder"
              value={form.folder}
              onChange={set('folder')}
              required
              placeholder="ALDGATE"
              autoCapitalize="characters"
              spellCheck={false}
            />
          </fieldset>

          <fieldset>
            <legend>Authentication</legend>
            <div className="radio-row" role="radiogroup" aria-label="Authentication type">
              {(
                [
                  ['client_credentials', 'OAuth2 client'],
                  ['connected_app', 'Connected app'],
                  ['basic', 'Basic'],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="radio">
                  <input
                    type="radio"
                    name="authType"
                    value={value}
                    checked={form.authType === value}
                    onChange={() => setForm((f) => ({ ...f, authType: value }))}
                  />
                  {label}
                </label>
              ))}
            </div>

            {form.authType !== 'basic' ? (
              <>
                <label htmlFor="cw-client-id">Client ID</label>
                <input
                  id="cw-client-id"
                  value={form.clientId}
                  onChange={set('clientId')}
                  required
                  autoComplete="off"
                  spellCheck={false}
                />
              </>
            ) : null}

            {form.authType === 'client_credentials' ? (
              <>
                <label htmlFor="cw-client-secret">Client secret</label>
                <input
                  id="cw-client-secret"
                  type="password"
                  value={form.clientSecret}
                  onChange={set('clientSecret')}
                  required
                  autoComplete="new-password"
                />
                <details className="advanced">
                  <summary>Advanced</summary>
                  <label htmlFor="cw-token-url">
                    Token URL <span className="muted">(default: host URL + /oauth2/token)</span>
                  </label>
                  <input id="cw-token-url" type="url" value={form.tokenUrl} onChange={set('tokenUrl')} />
                  <label htmlFor="cw-scope">Scope</label>
                  <input id="cw-scope" value={form.scope} onChange={set('scope')} />
                  <label htmlFor="cw-auth-method">Client authentication</label>
                  <select
                    id="cw-auth-method"
                    value={form.tokenEndpointAuthMethod}
                    onChange={set('tokenEndpointAuthMethod')}
                  >
                    <option value="client_secret_basic">HTTP Basic header (client_secret_basic)</option>
                    <option value="client_secret_post">In the form body (client_secret_post)</option>
                  </select>
                </details>
              </>
            ) : null}

            {form.authType === 'connected_app' ? (
              <>
                <label htmlFor="cw-app-secret">Secret</label>
                <input
                  id="cw-app-secret"
                  type="password"
                  value={form.appSecret}
                  onChange={set('appSecret')}
                  required
                  autoComplete="new-password"
                />
                <label htmlFor="cw-app-user">X3 user</label>
                <input id="cw-app-user" value={form.appUser} onChange={set('appUser')} required />
                <details className="advanced">
                  <summary>Advanced</summary>
                  <label htmlFor="cw-audience">Audience</label>
                  <input id="cw-audience" value={form.audience} onChange={set('audience')} />
                  <label htmlFor="cw-lifetime">Token lifetime (seconds)</label>
                  <input
                    id="cw-lifetime"
                    type="number"
                    min={10}
                    max={3600}
                    value={form.lifetimeSeconds}
                    onChange={set('lifetimeSeconds')}
                  />
                </details>
              </>
            ) : null}

            {form.authType === 'basic' ? (
              <>
                <label htmlFor="cw-basic-user">User</label>
                <input id="cw-basic-user" value={form.basicUser} onChange={set('basicUser')} required />
                <label htmlFor="cw-basic-password">Password</label>
                <input
                  id="cw-basic-password"
                  type="password"
                  value={form.basicPassword}
                  onChange={set('basicPassword')}
                  required
                  autoComplete="new-password"
                />
              </>
            ) : null}
          </fieldset>

          <div className="actions">
            <button
              type="button"
              onClick={(e) => {
                const f = e.currentTarget.form;
                if (f && !f.reportValidity()) return;
                void run('check');
              }}
              disabled={busy !== null}
            >
              {busy === 'check' ? 'Testing…' : 'Test connection'}
            </button>
            <button type="submit" className="primary" disabled={busy !== null}>
              {busy === 'save' ? 'Saving…' : 'Save connection'}
            </button>
          </div>
        </form>

        <aside className="card" aria-labelledby="checks-title">
          <h2 id="checks-title">Checks</h2>
          <p className="muted small">
            x3bridge gets a token, then reads one customer in the folder. Nothing is stored until you save.
          </p>
          <CheckSteps steps={steps} />
          {outcome === 'ok' ? (
            <p className="notice notice-ok" role="status">
              {busy === null ? 'Connection works.' : ''}
            </p>
          ) : null}
          {error ? (
            <>
              {topFix ? <p className="fix">{topFix}</p> : null}
              <ErrorBox error={error} />
            </>
          ) : null}
        </aside>
      </div>
    </section>
  );
}
