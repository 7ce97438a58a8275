import { useState, type FormEvent } from 'react';
import { ApiError, type CheckResult, type ConnectionInput } from '../api';
import {
  AuthFields,
  CaCertificateField,
  initialAuthForm,
  toAuthInput,
  type AuthFormState,
} from '../components/AuthFields';
import { ErrorBox } from '../components/common';
import { describeError } from '../errors';
import { CheckSteps } from '../components/CheckSteps';
import { fixFor, normalizeBaseUrl, normalizeFolder, pendingSteps, stepsFrom, type StepView } from '../checks';
import { navigate } from '../router';
import { useSession } from '../session';

interface FormState extends AuthFormState {
  name: string;
  externalId: string;
  baseUrl: string;
  folder: string;
  caPem: string;
}

const initial: FormState = {
  ...initialAuthForm,
  name: '',
  externalId: '',
  baseUrl: '',
  folder: '',
  caPem: '',
};

const opt = (s: string) => (s.trim() ? s.trim() : undefined);

export function toConnectionInput(f: FormState): ConnectionInput {
  return {
    name: f.name.trim(),
    externalId: opt(f.externalId),
    baseUrl: normalizeBaseUrl(f.baseUrl),
    folder: normalizeFolder(f.folder),
    auth: toAuthInput(f),
    ...(f.caPem.trim() ? { settings: { tls: { ca: f.caPem.trim() } } } : {}),
  };
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
    error instanceof ApiError && !describeError(error).fix ? fixFor(error.code, form.authType) : null;

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
            <AuthFields
              form={form}
              setForm={setForm}
              idPrefix="cw"
              advanced={
                <CaCertificateField
                  id="cw-ca"
                  value={form.caPem}
                  onChange={(caPem) => setForm((f) => ({ ...f, caPem }))}
                />
              }
            />
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
