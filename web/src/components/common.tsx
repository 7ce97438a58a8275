import type { ReactNode } from 'react';
import { describeError } from '../errors';
import { href } from '../router';

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
export function ErrorBox({
  error,
  onRetry,
  connectionId,
}: {
  error: unknown;
  onRetry?: () => void;
  /** Lets quotes named by a `conflict` link to their order page. */
  connectionId?: string;
}) {
  if (!error) return null;
  const v = describeError(error);
  return (
    <div className="state state-error" role="alert" data-error-code={v.code ?? undefined}>
      <div>
        <strong>{v.title}</strong>
        {v.code ? <code className="error-code">{v.code}</code> : null}
      </div>
      <p>{v.message}</p>
      {v.unmapped.length ? (
        <p>
          Unmapped: <span className="mono">{v.unmapped.join(', ')}</span>
        </p>
      ) : null}
      {v.quoteIds.length ? (
        <p className="quote-ids">
          Pending quotes:{' '}
          {v.quoteIds.map((q, i) => (
            <span key={q}>
              {i > 0 ? ', ' : null}
              {connectionId ? (
                <a className="mono" href={href({ name: 'order', connectionId, quoteId: q })}>
                  {q}
                </a>
              ) : (
                <span className="mono">{q}</span>
              )}
            </span>
          ))}
        </p>
      ) : null}
      {v.fix ? <p className="fix">{v.fix}</p> : null}
      {v.problems.length ? (
        <ul className="problems">
          {v.problems.slice(0, 50).map((p, i) => (
            <li key={i}>{p}</li>
          ))}
          {v.problems.length > 50 ? <li>… and {v.problems.length - 50} more</li> : null}
        </ul>
      ) : null}
      {v.rest !== null ? (
        <details>
          <summary>Details</summary>
          <pre>{JSON.stringify(v.rest, null, 2)}</pre>
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
  delivered: 'ok',
  dead: 'bad',
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
