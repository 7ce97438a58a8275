import { useDeferredValue, useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { ApiError, type MappingKind, type MappingPair, type Suggestion } from '../api';
import { Empty, ErrorBox, Spinner } from '../components/common';
import { WindowedList } from '../components/WindowedList';
import { parseMappingCsv, toCsv } from '../csv';
import { downloadText, useMediaQuery } from '../hooks';
import { href } from '../router';
import { useSession } from '../session';

interface Row {
  source: string;
  name: string;
  /** What the server holds. */
  saved: string;
  /** What the screen shows; differs from `saved` until the person saves. */
  target: string;
  suggestions?: Suggestion[];
}

const words = {
  products: {
    source: 'productCode',
    target: 'itemRef',
    sourceLabel: 'Product code',
    targetLabel: 'X3 item reference',
    x3Resource: 'items',
    noun: 'product codes',
  },
  customers: {
    source: 'customerAccount',
    target: 'customerCode',
    sourceLabel: 'Customer account',
    targetLabel: 'X3 customer code',
    x3Resource: 'customers',
    noun: 'customer accounts',
  },
} as const;

type Filter = 'all' | 'unmapped' | 'changed' | 'suggested';

const collator = new Intl.Collator();

/**
 * The API names a failing row by its index in the body; the person knows it by its code.
 * Rewrites `invalid_input` problems to name the code sent at that index.
 */
function withCodes(err: unknown, sent: MappingPair[]): unknown {
  if (!(err instanceof ApiError) || !err.details || typeof err.details !== 'object') return err;
  const problems = (err.details as { problems?: unknown }).problems;
  if (!Array.isArray(problems)) return err;
  const named = problems.map((p: { row?: number; message?: string }) => {
    const source = typeof p.row === 'number' ? sent[p.row]?.source : undefined;
    return source !== undefined ? `${source}: ${p.message ?? ''}` : p;
  });
  return new ApiError(err.status, err.code, err.message, { ...err.details, problems: named });
}

export function MappingsPage({ connectionId, kind }: { connectionId: string; kind: MappingKind }) {
  const { api } = useSession();
  const w = words[kind];
  const [rows, setRows] = useState<Map<string, Row> | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const [threshold, setThreshold] = useState(90);
  const [busy, setBusy] = useState<'suggest' | 'save' | null>(null);
  const [newCode, setNewCode] = useState('');
  const [x3Options, setX3Options] = useState<{ code: string; label: string }[]>([]);
  const [loaded, setLoaded] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const narrow = useMediaQuery('(max-width: 640px)');

  useEffect(() => {
    let live = true;
    setRows(null);
    setLoadError(null);
    setNotice(null);
    setActionError(null);
    setLoaded(0);
    api
      .listMappings(connectionId, kind, (n) => live && setLoaded(n))
      .then(
        (pairs) => {
          if (!live) return;
          const m = new Map<string, Row>();
          for (const p of pairs)
            m.set(p.source, { source: p.source, name: '', saved: p.target, target: p.target });
          setRows(m);
        },
        (err: unknown) => live && setLoadError(err),
      );
    // The first page of X3 codes feeds the input's autocompletion; typing any other code works too.
    api.listRecords(connectionId, w.x3Resource, { limit: 500 }).then(
      (page) => {
        if (!live) return;
        setX3Options(
          page.data.map((r) => {
            const code = String(kind === 'products' ? r.ref : r.code);
            const label = String((kind === 'products' ? r.description : r.name) ?? '');
            return { code, label };
          }),
        );
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, connectionId, kind, w.x3Resource]);

  // Codes are only ever added on this screen, so the sorted order changes with the count alone:
  // typing in one row of thousands does not sort them all again.
  const size = rows?.size ?? -1;
  const order = useMemo(
    () => (rows ? [...rows.keys()].sort(collator.compare) : []),
    [size, connectionId, kind],
  );
  const all = useMemo(
    () => (rows ? order.map((k) => rows.get(k)).filter((r): r is Row => !!r) : []),
    [rows, order],
  );
  const unmapped = all.filter((r) => !r.target).length;
  const changed = all.filter((r) => r.target !== r.saved);
  const acceptable = all.filter((r) => !r.target && (r.suggestions?.[0]?.score ?? -1) >= threshold);

  // Closing or reloading the tab would lose edits that are not saved yet.
  const dirty = changed.length > 0;
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // Typing in the search box stays responsive; the filter over thousands of rows catches up.
  const deferredSearch = useDeferredValue(search);
  const visible = useMemo(() => {
    const q = deferredSearch.trim().toLowerCase();
    return all.filter((r) => {
      if (filter === 'unmapped' && r.target) return false;
      if (filter === 'changed' && r.target === r.saved) return false;
      if (filter === 'suggested' && !r.suggestions?.length) return false;
      if (!q) return true;
      return (
        r.source.toLowerCase().includes(q) ||
        r.target.toLowerCase().includes(q) ||
        r.name.toLowerCase().includes(q)
      );
    });
  }, [all, deferredSearch, filter]);

  function update(fn: (m: Map<string, Row>) => void) {
    setRows((prev) => {
      const m = new Map(prev ?? []);
      fn(m);
      return m;
    });
  }

  function setTarget(source: string, target: string) {
    update((m) => {
      const r = m.get(source);
      if (r) m.set(source, { ...r, target });
    });
  }

  function acceptAbove() {
    const n = acceptable.length;
    update((m) => {
      for (const r of acceptable) m.set(r.source, { ...r, target: r.suggestions![0]!.target });
    });
    setNotice(
      `Accepted ${n} suggestion${n === 1 ? '' : 's'} scoring ${threshold} or more. Save to keep them.`,
    );
  }

  async function suggest() {
    const targets = all.filter((r) => !r.target);
    if (!targets.length) {
      setNotice(`Every ${kind === 'products' ? 'product code' : 'customer account'} is mapped.`);
      return;
    }
    setBusy('suggest');
    setActionError(null);
    try {
      let found = 0;
      for (let i = 0; i < targets.length; i += 200) {
        const chunk = targets.slice(i, i + 200);
        const sets = await api.suggestMappings(
          connectionId,
          kind,
          chunk.map((r) => ({ code: r.source, name: r.name || null })),
        );
        found += sets.filter((s) => s.suggestions.length > 0).length;
        update((m) => {
          for (const s of sets) {
            const r = m.get(s.source);
            if (r) m.set(s.source, { ...r, suggestions: s.suggestions });
          }
        });
      }
      setNotice(`Suggestions found for ${found} of ${targets.length} unmapped ${w.noun}.`);
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  }

  async function save() {
    setBusy('save');
    setActionError(null);
    // Without a removal, only the changed rows go (merge): X3 checks those few, not every
    // mapping. A cleared row can only be removed by sending the whole set (replace).
    const removes = changed.some((r) => r.saved && !r.target);
    const pairs: MappingPair[] = (removes ? all : changed)
      .filter((r) => r.target)
      .map((r) => ({ source: r.source, target: r.target }));
    const snapshot = new Map(all.map((r) => [r.source, r.target]));
    try {
      await api.putMappings(connectionId, kind, pairs, removes ? 'replace' : 'merge');
      update((m) => {
        // Rows edited while the save ran keep their new value, still marked as not saved.
        for (const r of m.values())
          if (snapshot.has(r.source)) m.set(r.source, { ...r, saved: snapshot.get(r.source)! });
      });
      const total = [...snapshot.values()].filter(Boolean).length;
      setNotice(
        `Saved ${changed.length} change${changed.length === 1 ? '' : 's'}; ${total} mapping${total === 1 ? '' : 's'} in all.`,
      );
    } catch (err) {
      setActionError(withCodes(err, pairs));
    } finally {
      setBusy(null);
    }
  }

  async function importCsv(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const parsed = parseMappingCsv(await file.text(), { source: w.source, target: w.target });
    const added = parsed.filter((p) => !rows?.has(p.source)).length;
    update((m) => {
      for (const p of parsed) {
        const r = m.get(p.source);
        m.set(p.source, {
          source: p.source,
          name: p.name || r?.name || '',
          saved: r?.saved ?? '',
          target: p.target || r?.target || '',
          suggestions: r?.suggestions,
        });
      }
    });
    setNotice(`Imported ${parsed.length} rows from ${file.name} (${added} new). Save to keep mapped rows.`);
  }

  function exportCsv() {
    downloadText(
      `${kind}-mappings.csv`,
      toCsv(
        [w.source, w.target, 'name'],
        [...all].sort((a, b) => a.source.localeCompare(b.source)).map((r) => [r.source, r.target, r.name]),
      ),
    );
  }

  function addCode() {
    const code = newCode.trim();
    if (!code) return;
    update((m) => {
      if (!m.has(code)) m.set(code, { source: code, name: '', saved: '', target: '' });
    });
    setNewCode('');
    setSearch(code);
  }

  const listId = `x3-${kind}-options`;
  const rowHeight = narrow ? 132 : 60;

  return (
    <section className="page" aria-labelledby="mappings-title">
      <div className="page-head">
        <h1 id="mappings-title">Code mapping</h1>
        <nav className="tabs" aria-label="Mapping kind">
          {(['products', 'customers'] as const).map((k) => (
            <a
              key={k}
              href={href({ name: 'mappings', connectionId, kind: k })}
              className={k === kind ? 'tab active' : 'tab'}
              aria-current={k === kind ? 'page' : undefined}
            >
              {k === 'products' ? 'Products' : 'Customers'}
            </a>
          ))}
        </nav>
      </div>

      {loadError ? <ErrorBox error={loadError} /> : null}
      {rows === null && !loadError ? (
        <Spinner
          label={loaded ? `Loading mappings… ${loaded.toLocaleString('en')} so far` : 'Loading mappings…'}
        />
      ) : null}

      {rows !== null ? (
        <>
          <div className="card toolbar">
            <div className="toolbar-row">
              <div className="field grow">
                <label htmlFor="map-search">Search</label>
                <input
                  id="map-search"
                  type="search"
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                  placeholder={`${w.sourceLabel}, X3 code or name`}
                />
              </div>
              <div className="field">
                <label htmlFor="map-filter">Show</label>
                <select id="map-filter" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
                  <option value="all">All</option>
                  <option value="unmapped">Unmapped</option>
                  <option value="suggested">With suggestions</option>
                  <option value="changed">Changed, not saved</option>
                </select>
              </div>
              <div className="counts" aria-live="polite">
                <strong data-testid="unmapped-count">{unmapped}</strong> unmapped of{' '}
                <span data-testid="mapping-total">{all.length}</span>
                {changed.length ? <span className="muted"> · {changed.length} not saved</span> : null}
              </div>
            </div>
            <div className="toolbar-row">
              <button type="button" onClick={() => void suggest()} disabled={busy !== null}>
                {busy === 'suggest' ? 'Finding suggestions…' : 'Suggest matches'}
              </button>
              <div className="field threshold">
                <label htmlFor="map-threshold">
                  Minimum score: <strong>{threshold}</strong>
                </label>
                <input
                  id="map-threshold"
                  type="range"
                  min={0}
                  max={100}
                  step={1}
                  value={threshold}
                  onChange={(e) => setThreshold(Number(e.target.value))}
                />
              </div>
              <button type="button" onClick={acceptAbove} disabled={!acceptable.length}>
                Accept {acceptable.length} above {threshold}
              </button>
              <span className="spacer" />
              <button type="button" onClick={() => fileInput.current?.click()}>
                Import CSV
              </button>
              <input
                ref={fileInput}
                type="file"
                accept=".csv,text/csv"
                className="visually-hidden"
                aria-label="CSV file to import"
                onChange={(e) => void importCsv(e)}
              />
              <button type="button" onClick={exportCsv} disabled={!all.length}>
                Export CSV
              </button>
              <button
                type="button"
                className="primary"
                onClick={() => void save()}
                disabled={busy !== null || !changed.length}
              >
                {busy === 'save'
                  ? 'Saving…'
                  : changed.length
                    ? `Save ${changed.length} change${changed.length === 1 ? '' : 's'}`
                    : 'Saved'}
              </button>
            </div>
            <form
              className="toolbar-row"
              onSubmit={(e) => {
                e.preventDefault();
                addCode();
              }}
            >
              <div className="field grow">
                <label htmlFor="map-add">Add a {w.sourceLabel.toLowerCase()}</label>
                <input
                  id="map-add"
                  value={newCode}
                  onChange={(e) => setNewCode(e.target.value)}
                  placeholder={kind === 'products' ? 'BOX-S-200' : 'ACC-1001'}
                />
              </div>
              <button type="submit" disabled={!newCode.trim()}>
                Add
              </button>
            </form>
            {notice ? (
              <p className="notice" role="status">
                {notice}
              </p>
            ) : null}
            <ErrorBox error={actionError} />
          </div>

          <datalist id={listId}>
            {x3Options.map((o) => (
              <option key={o.code} value={o.code}>
                {o.label}
              </option>
            ))}
          </datalist>

          {all.length === 0 ? (
            <Empty title={`No ${w.noun} yet`}>
              Import a CSV with a <code>{w.source}</code> column (and optionally <code>{w.target}</code> and{' '}
              <code>name</code>), or add codes one by one, then ask for suggestions.
            </Empty>
          ) : visible.length === 0 ? (
            <Empty title="Nothing matches">Change the search or the filter.</Empty>
          ) : (
            <div className="card mapping-table">
              <div className="mapping-row mapping-header" aria-hidden="true">
                <span>{w.sourceLabel}</span>
                <span>{w.targetLabel}</span>
                <span>Best suggestion</span>
              </div>
              <WindowedList
                items={visible}
                rowHeight={rowHeight}
                height={narrow ? 520 : 600}
                getKey={(r) => r.source}
                label={`${w.sourceLabel} mappings`}
                renderRow={(r) => (
                  <MappingRowView
                    row={r}
                    listId={listId}
                    targetLabel={w.targetLabel}
                    onChange={(t) => setTarget(r.source, t)}
                  />
                )}
              />
            </div>
          )}
        </>
      ) : null}
    </section>
  );
}

function MappingRowView({
  row,
  listId,
  targetLabel,
  onChange,
}: {
  row: Row;
  listId: string;
  targetLabel: string;
  onChange: (target: string) => void;
}) {
  const best = row.suggestions?.[0];
  const inputId = `map-${row.source}`;
  return (
    <div
      className={`mapping-row${row.target !== row.saved ? ' changed' : ''}${row.target ? '' : ' unmapped'}`}
      data-source={row.source}
    >
      <div className="mapping-source">
        <span className="mono">{row.source}</span>
        {row.name ? <span className="muted small ellipsis">{row.name}</span> : null}
      </div>
      <div className="mapping-target">
        <label htmlFor={inputId} className="visually-hidden">
          {targetLabel} for {row.source}
        </label>
        <input
          id={inputId}
          className="mono"
          list={listId}
          value={row.target}
          placeholder="unmapped"
          spellCheck={false}
          onChange={(e) => onChange(e.target.value.trim())}
        />
      </div>
      <div className="mapping-suggestion">
        {best ? (
          <>
            <span className="ellipsis">
              <span className="mono">{best.target}</span>
              {best.label ? <span className="muted small"> {best.label}</span> : null}
            </span>
            <span className={`score score-${best.score >= 90 ? 'high' : best.score >= 60 ? 'mid' : 'low'}`}>
              {best.score}
            </span>
            <button
              type="button"
              className="small-button"
              disabled={row.target === best.target}
              onClick={() => onChange(best.target)}
              aria-label={`Accept ${best.target} for ${row.source}`}
            >
              {row.target === best.target ? 'Accepted' : 'Accept'}
            </button>
          </>
        ) : row.suggestions ? (
          <span className="muted small">no match found</span>
        ) : null}
      </div>
    </div>
  );
}
