import { useEffect, useState, type FormEvent } from 'react';
import type { X3Record } from '../api';
import { Empty, ErrorBox, Spinner, dash, formatTime } from '../components/common';
import { DataTable, type Column } from '../components/DataTable';
import { useAsync } from '../hooks';
import { cellValue, resourceById, resources, type ResourceDef } from '../resources';
import { href } from '../router';
import { useSession } from '../session';

export function RecordsPage({ connectionId, resource }: { connectionId: string; resource: string }) {
  const def = resourceById(resource);
  return (
    <section className="page" aria-labelledby="records-title">
      <div className="page-head">
        <h1 id="records-title">Records in X3</h1>
      </div>
      <nav className="tabs scroll" aria-label="X3 record type">
        {resources.map((r) => (
          <a
            key={r.id}
            className={r.id === def.id ? 'tab active' : 'tab'}
            aria-current={r.id === def.id ? 'page' : undefined}
            href={href({ name: 'records', connectionId, resource: r.id })}
          >
            {r.label}
          </a>
        ))}
      </nav>
      {/* Keyed so that filters, paging and the open record reset with the record type. */}
      <ResourceBrowser key={`${connectionId}/${def.id}`} connectionId={connectionId} def={def} />
    </section>
  );
}

function ResourceBrowser({ connectionId, def }: { connectionId: string; def: ResourceDef }) {
  const { api } = useSession();
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [limit, setLimit] = useState(25);
  // Cursors of the pages seen so far: going back re-reads the page from its cursor.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [open, setOpen] = useState<X3Record | null>(null);
  const cursor = cursors[cursors.length - 1] ?? null;

  const page = useAsync(
    () => api.listRecords(connectionId, def.id, { ...filters, limit, cursor }),
    [api, connectionId, def.id, JSON.stringify(filters), limit, cursor],
  );

  function apply(e: FormEvent) {
    e.preventDefault();
    setFilters(Object.fromEntries(Object.entries(draft).filter(([, v]) => v.trim() !== '')));
    setCursors([null]);
    setOpen(null);
  }

  function clear() {
    setDraft({});
    setFilters({});
    setCursors([null]);
    setOpen(null);
  }

  const columns: Column<X3Record>[] = def.columns.map((c) => ({
    key: c.key,
    label: c.label,
    numeric: c.numeric,
    render: (r) => {
      const v = dash(cellValue(r, c));
      return c.mono ? <span className="mono">{v}</span> : v;
    },
  }));
  const rowKey = (r: X3Record) =>
    def.keyOf ? def.keyOf(r) : JSON.stringify(def.columns.map((c) => cellValue(r, c)));

  return (
    <>
      <form className="card toolbar" onSubmit={apply} aria-label={`Filter ${def.label.toLowerCase()}`}>
        <div className="toolbar-row">
          {def.filters.map((f) => (
            <div key={f.name} className={f.kind === 'search' ? 'field grow' : 'field'}>
              <label htmlFor={`flt-${f.name}`}>{f.label}</label>
              <input
                id={`flt-${f.name}`}
                type={
                  f.kind === 'date'
                    ? 'date'
                    : f.kind === 'number'
                      ? 'number'
                      : f.kind === 'search'
                        ? 'search'
                        : 'text'
                }
                value={draft[f.name] ?? ''}
                placeholder={f.placeholder}
                onChange={(e) => setDraft((d) => ({ ...d, [f.name]: e.target.value }))}
              />
            </div>
          ))}
          <div className="field">
            <label htmlFor="flt-limit">Per page</label>
            <select
              id="flt-limit"
              value={limit}
              onChange={(e) => {
                setLimit(Number(e.target.value));
                setCursors([null]);
              }}
            >
              {[25, 50, 100, 250].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
          <div className="actions">
            <button type="submit" className="primary">
              Apply
            </button>
            <button type="button" onClick={clear}>
              Clear
            </button>
          </div>
        </div>
      </form>

      <ErrorBox error={page.error} onRetry={page.reload} />
      {page.loading && !page.data ? <Spinner label={`Reading ${def.label.toLowerCase()} from X3…`} /> : null}
      {page.data && page.data.data.length === 0 ? (
        <Empty title={`No ${def.label.toLowerCase()}`}>
          {Object.keys(filters).length ? 'Nothing matches these filters.' : 'X3 has none in this folder.'}
        </Empty>
      ) : null}
      {page.data && page.data.data.length > 0 ? (
        <div className={`card${page.loading ? ' is-loading' : ''}`} aria-busy={page.loading}>
          <DataTable
            caption={def.label}
            columns={columns}
            rows={page.data.data}
            getKey={rowKey}
            onOpen={(r) => setOpen(r)}
            openLabel={(r) => `Open ${rowKey(r)}`}
          />
          <div className="pager">
            <button
              type="button"
              disabled={cursors.length <= 1 || page.loading}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              Previous
            </button>
            <span className="muted">Page {cursors.length}</span>
            <button
              type="button"
              disabled={!page.data.nextCursor || page.loading}
              onClick={() => setCursors((c) => [...c, page.data!.nextCursor])}
            >
              Next
            </button>
          </div>
        </div>
      ) : null}
      {open ? (
        <RecordDetail connectionId={connectionId} def={def} record={open} onClose={() => setOpen(null)} />
      ) : null}
    </>
  );
}

function RecordDetail({
  connectionId,
  def,
  record,
  onClose,
}: {
  connectionId: string;
  def: ResourceDef;
  record: X3Record;
  onClose: () => void;
}) {
  const { api } = useSession();
  const key = def.keyOf ? def.keyOf(record) : null;
  // Lists may leave out lines (and items their stock); the single read has everything.
  const full = useAsync(
    () => (key ? api.getRecord(connectionId, def.id, key) : Promise.resolve(record)),
    [api, connectionId, def.id, key],
  );
  const [headingRef, setHeadingRef] = useState<HTMLHeadingElement | null>(null);
  useEffect(() => {
    headingRef?.focus();
  }, [headingRef]);

  const r = full.data ?? record;
  const scalars = Object.entries(r).filter(([k, v]) => k !== 'raw' && (v === null || typeof v !== 'object'));
  const nested = Object.entries(r).filter(([k, v]) => k !== 'raw' && v !== null && typeof v === 'object');

  return (
    <div className="card detail" aria-labelledby="detail-title">
      <div className="page-head">
        <h2 id="detail-title" tabIndex={-1} ref={setHeadingRef}>
          {def.label}: <span className="mono">{key ?? dash(r.account)}</span>
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorBox error={full.error} onRetry={full.reload} />
      {full.loading ? <Spinner label="Reading the full record…" /> : null}
      <dl className="facts">
        {scalars.map(([k, v]) => (
          <div className="fact" key={k}>
            <dt>{humanize(k)}</dt>
            <dd>{/At$/.test(k) && typeof v === 'string' ? formatTime(v) : dash(v)}</dd>
          </div>
        ))}
      </dl>
      {nested.map(([k, v]) => (
        <NestedValue key={k} name={k} value={v} />
      ))}
    </div>
  );
}

function NestedValue({ name, value }: { name: string; value: unknown }) {
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (value.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) {
      const rows = value as X3Record[];
      const keys = [...new Set(rows.flatMap((x) => Object.keys(x)))].filter(
        (k) =>
          k !== 'raw' && rows.every((x) => x[k] === null || typeof x[k] !== 'object' || isScalarList(x[k])),
      );
      const columns: Column<X3Record>[] = keys.map((k) => ({
        key: k,
        label: humanize(k),
        numeric: rows.every((x) => typeof x[k] === 'number'),
        render: (x) => {
          const v = x[k];
          return Array.isArray(v) ? v.filter((e) => e !== null && e !== '').join(', ') || '—' : dash(v);
        },
      }));
      return (
        <div className="nested">
          <h3>{humanize(name)}</h3>
          <DataTable
            caption={humanize(name)}
            columns={columns}
            rows={rows}
            getKey={(x) => JSON.stringify(x)}
          />
        </div>
      );
    }
    return (
      <div className="nested">
        <h3>{humanize(name)}</h3>
        <p>{value.map(dash).join(', ')}</p>
      </div>
    );
  }
  const obj = value as X3Record;
  return (
    <div className="nested">
      <h3>{humanize(name)}</h3>
      <dl className="facts">
        {Object.entries(obj)
          .filter(([, v]) => v === null || typeof v !== 'object' || Array.isArray(v))
          .map(([k, v]) => (
            <div className="fact" key={k}>
              <dt>{humanize(k)}</dt>
              <dd>{Array.isArray(v) ? v.map(dash).join(', ') : dash(v)}</dd>
            </div>
          ))}
      </dl>
    </div>
  );
}

function isScalarList(v: unknown): boolean {
  return Array.isArray(v) && v.every((e) => e === null || typeof e !== 'object');
}

function humanize(key: string): string {
  const spaced = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
