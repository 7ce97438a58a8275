import { useState, type ReactNode } from 'react';

// Renders only the rows in view (plus a margin), so that a list of thousands of mappings
// scrolls as smoothly as a list of ten. Rows have one fixed height per layout.
export function WindowedList<T>({
  items,
  rowHeight,
  height,
  overscan = 8,
  getKey,
  renderRow,
  label,
}: {
  items: T[];
  rowHeight: number;
  height: number;
  overscan?: number;
  getKey: (item: T) => string;
  renderRow: (item: T, index: number) => ReactNode;
  label: string;
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const total = items.length * rowHeight;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const visible = items.slice(first, last);
  return (
    <div
      className="windowed"
      style={{ height: Math.min(height, Math.max(total, rowHeight)) }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      role="list"
      aria-label={label}
      data-total={items.length}
    >
      <div style={{ height: total, position: 'relative' }}>
        {visible.map((item, i) => (
          <div
            key={getKey(item)}
            role="listitem"
            className="windowed-row"
            style={{
              position: 'absolute',
              top: (first + i) * rowHeight,
              height: rowHeight,
              left: 0,
              right: 0,
            }}
          >
            {renderRow(item, first + i)}
          </div>
        ))}
      </div>
    </div>
  );
}
