/**
 * Record formatters for `x3bridge export`. Each turns one normalized record into text, so the
 * export holds one record at a time whatever the size of the resource.
 */

export type ExportFormat = 'ndjson' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ndjson', 'csv'];

/** Turns records into text; the first call may also emit a header. */
export interface RecordFormatter {
  format(record: object): string;
}

function withRaw(record: object): object {
  // The client keeps X3's payload as a non-enumerable `raw`, so plain serialization leaves it out.
  return { ...record, raw: (record as { raw?: unknown }).raw ?? null };
}

/** One JSON object per line (the normalized model; `raw` added on request). */
export function ndjsonFormatter(options: { raw?: boolean } = {}): RecordFormatter {
  return {
    format: (record) => `${JSON.stringify(options.raw ? withRaw(record) : record)}\n`,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One CSV field. RFC 4180 quoting; a text that a spreadsheet would run as a formula (leading
 * = + - @, tab or CR) gets a leading apostrophe, except plain numbers such as "-12.50".
 */
export function csvField(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    text = String(value);
  else text = JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A column: the property path into the record (one or two levels). */
type Column = readonly [string] | readonly [string, string];

function columnsOf(record: Record<string, unknown>): Column[] {
  const columns: Column[] = [];
  for (const [key, value] of Object.entries(record)) {
    // X3's untouched payload stays one JSON column: its shape varies with the installation.
    if (isPlainObject(value) && key !== 'raw') {
      const keys = Object.keys(value);
      if (keys.length === 0) columns.push([key]);
      for (const sub of keys) columns.push([key, sub]);
    } else {
      columns.push([key]);
    }
  }
  return columns;
}

function valueAt(record: Record<string, unknown>, column: Column): unknown {
  const top = record[column[0]];
  if (column.length === 1) return top;
  return isPlainObject(top) ? top[column[1]] : undefined;
}

/**
 * CSV with one row per record. Header fields are flattened one level (`units.stock`); arrays
 * (document lines, addresses, stock, periods, description lines) go in one JSON column each.
 * Columns come from the first record: every record of a resource has the same model.
 */
export function csvFormatter(options: { raw?: boolean } = {}): RecordFormatter {
  let columns: Column[] | null = null;
  return {
    format(record) {
      const source = (options.raw ? withRaw(record) : record) as Record<string, unknown>;
      let header = '';
      if (!columns) {
        columns = columnsOf(source);
        header = `${columns.map((c) => csvField(c.join('.'))).join(',')}\r\n`;
      }
      return `${header}${columns.map((c) => csvField(valueAt(source, c))).join(',')}\r\n`;
    },
  };
}

export function formatterFor(format: ExportFormat, options: { raw?: boolean } = {}): RecordFormatter {
  return format === 'csv' ? csvFormatter(options) : ndjsonFormatter(options);
}
