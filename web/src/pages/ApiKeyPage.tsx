import { useEffect, useState, type FormEvent } from 'react';
import { createApiClient, fetchDemoKey } from '../api';
import { ErrorBox } from '../components/common';

export function ApiKeyPage({ onKey, notice }: { onKey: (key: string) => void; notice?: string | null }) {
  const [key, setKey] = useState('');
  const [demo, setDemo] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    void fetchDemoKey().then((k) => {
      if (live && k) {
        setKey((prev) => prev || k);
        setDemo(true);
      }
    });
    return () => {
      live = false;
    };
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) return;
    setBusy(true);
    setError(null);
    try {
      // One cheap authenticated call, so a mistyped key is caught here and not on every screen.
      await createApiClient({ apiKey: trimmed }).listConnections({ limit: 1 });
      onKey(trimmed);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="key-page">
      <form className="card key-card" onSubmit={submit} aria-labelledby="key-title">
        <h1 id="key-title">
          <span className="brand-mark" aria-hidden="true">
            x3
          </span>{' '}
          x3bridge admin
        </h1>
        <p className="muted">
          Paste an API key of the environment you want to manage. It stays in this browser tab only.
        </p>
        {notice ? <p className="notice">{notice}</p> : null}
        {demo ? <p className="notice">Demo mode: the demo environment&apos;s key is filled in.</p> : null}
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          placeholder="x3b_live_…"
          required
        />
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy || !key.trim()}>
          {busy ? 'Checking…' : 'Continue'}
        </button>
        <p className="muted small">
          No key yet? Run <code>npx x3bridge keys create --environment NAME</code>.
        </p>
      </form>
    </main>
  );
}
