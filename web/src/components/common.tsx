import type { ReactNode } from 'react';
import { ApiError } from '../api';

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

/** Shows the API's `{ error: { code, message, details } }` in plain words, details folded. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const message = api ? api.message : error instanceof Error ? error.message : String(error);
  const details = api?.details;
  const codes = unmappedCodes(details);
  const fix = fixOf(details);
  const problems = problemsOf(details);
  const shownAlready = codes.length > 0 || problems.length > 0 || (fix !== null && onlyFixAndChecks(details));
  return (
    <div className="state state-error" role="alert">
      <div>
        <strong>{api ? errorTitle(api) : 'Something went wrong'}</strong>
        {api ? <code className="error-code">{api.code}</code> : null}
      </div>
      <p>{message}</p>
      {codes.length ? (
        <p>
          Unmapped: <span className="mono">{codes.join(', ')}</span>
        </p>
      ) : null}
      {fix ? <p className="fix">{fix}</p> : null}
      {problems.length ? (
        <ul className="problems">
          {problems.slice(0, 50).map((p, i) => (
            <li key={i}>{p}</li>
          ))}
          {problems.length > 50 ? <li>… and {problems.length - 50} more</li> : null}
        </ul>
      ) : null}
      {details !== undefined && details !== null && !shownAlready ? (
        <details>
          <summary>Details</summary>
          <pre>{JSON.stringify(details, null, 2)}</pre>
        </details>
      ) : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function fixOf(details: unknown): string | null {
  if (!details || typeof details !== 'object') return null;
  const fix = (details as { fix?: unknown }).fix;
  return typeof fix === 'string' && fix ? fix : null;
}

function onlyFixAndChecks(details: unknown): boolean {
  return Object.keys(details as object).every((k) =>
    ['fix', 'checks', 'step', 'status', 'reason'].includes(k),
  );
}

/** Row problems (invalid mappings, quote lines, X3 diagnoses) as one line each. */
function problemsOf(details: unknown): string[] {
  if (!details || typeof details !== 'object') return [];
  const d = details as Record<string, unknown>;
  const list = d.problems ?? d.diagnoses ?? d.fields ?? d.issues;
  if (!Array.isArray(list)) return [];
  return list.map((p) => {
    if (typeof p === 'string') return p;
    if (!p || typeof p !== 'object') return String(p);
    const o = p as Record<string, unknown>;
    const where = [o.row !== undefined ? `row ${String(o.row)}` : null, o.field ?? o.path]
      .filter((x) => x !== null && x !== undefined && x !== '')
      .map(String)
      .join(', ');
    const text = String(o.message ?? o.text ?? o.code ?? JSON.stringify(o));
    return where ? `${where}: ${text}` : text;
  });
}

const x3Titles: Record<string, string> = {
  x3_unreachable: 'X3 unreachable',
  x3_unavailable: 'X3 busy or down',
  x3_auth_failed: 'X3 refused the credentials',
  x3_folder_not_found: 'Folder not found in X3',
  x3_permission_denied: 'X3 refused access',
  x3_rejected: 'X3 refused the request',
  outcome_uncertain: 'Outcome unknown',
};

function errorTitle(e: ApiError): string {
  const x3 = x3Titles[e.code];
  if (x3) return x3;
  if (e.status === 0) return 'Server unreachable';
  if (e.status === 401) return 'API key refused';
  if (e.status === 404) return 'Not found';
  if (e.status >= 500) return 'Server error';
  return 'Request refused';
}

function unmappedCodes(details: unknown): string[] {
  if (!details || typeof details !== 'object') return [];
  const d = details as Record<string, unknown>;
  const out: string[] = [];
  for (const key of ['products', 'customers', 'productCodes', 'customerAccounts', 'unmapped', 'codes']) {
    const v = d[key];
    if (Array.isArray(v)) for (const x of v) out.push(typeof x === 'string' ? x : JSON.stringify(x));
  }
  return out;
}

const statusTone: Record<string, string> = {
  active: 'ok',
  created: 'ok',
  auth_failed: 'bad',
  unreachable: 'bad',
  failed: 'bad',
  rejected: 'bad',
  pending: 'warn',
  uncertain: 'warn',
  checking: 'warn',
  sending: 'warn',
  folder_not_found: 'bad',
  permission_denied: 'bad',
};

export function Badge({ status }: { status: string | null | undefined }) {
  const s = status ?? 'unknown';
  return <span className={`badge badge-${statusTone[s] ?? 'neutral'}`}>{s.replace(/_/g, ' ')}</span>;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function dash(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
