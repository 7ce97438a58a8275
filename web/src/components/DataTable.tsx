import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  label: string;
  render: (row: T) => ReactNode;
  numeric?: boolean;
}

// On a narrow window each row becomes a small card (labels from data-label), so nothing needs
// horizontal scrolling at 400 px.
export function DataTable<T>({
  columns,
  rows,
  getKey,
  onOpen,
  caption,
  openLabel,
}: {
  columns: Column<T>[];
  rows: T[];
  getKey: (row: T) => string;
  onOpen?: (row: T) => void;
  caption: string;
  openLabel?: (row: T) => string;
}) {
  return (
    <div className="table-wrap">
      <table className="data stack">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
            {onOpen ? (
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={getKey(r)} data-key={getKey(r)}>
              {columns.map((c) => (
                <td key={c.key} data-label={c.label} className={c.numeric ? 'num' : undefined}>
                  {c.render(r)}
                </td>
              ))}
              {onOpen ? (
                <td className="open-cell">
                  <button
                    type="button"
                    className="small-button"
                    onClick={() => onOpen(r)}
                    aria-label={openLabel ? openLabel(r) : 'Open'}
                  >
                    Open
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
