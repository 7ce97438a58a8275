/**
 * A small RFC 4180 reader and writer: mapping files are two columns, but spreadsheet exports quote
 * fields, double inner quotes, use CRLF and sometimes start with a byte-order mark.
 */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let fieldStarted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i++;
      continue;
    }
    if (ch === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    if (ch === '"') throw new CsvError(`a quote inside an unquoted field on line ${line}`, line);
    field += ch;
    fieldStarted = true;
    i++;
  }
  if (quoted) throw new CsvError(`a quoted field is not closed (from line ${line})`, line);
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
}

function escapeField(value: string): string {
  // A leading = + - @ would run as a formula when the file is opened in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Undoes the formula guard of writeCsv so an exported file imports back unchanged. */
function unprotect(value: string): string {
  return /^'[=+\-@]/.test(value) ? value.slice(1) : value;
}

export function writeCsv(header: string[], rows: string[][]): string {
  return [header, ...rows].map((r) => r.map(escapeField).join(',')).join('\r\n') + '\r\n';
}

/**
 * Reads a two-column mapping file whose first line names the columns (in any order); returns the
 * records keyed by those names, or throws naming the line at fault.
 */
export function readMappingCsv<K extends string>(text: string, columns: [K, K]): Array<Record<K, string>> {
  const rows = parseCsv(text);
  const header = rows.shift();
  if (!header) throw new CsvError(`the file is empty; the first line must be "${columns.join(',')}"`, 1);
  const names = header.map((h) => h.trim());
  const index = columns.map((c) => names.indexOf(c));
  if (index.some((i) => i < 0)) {
    throw new CsvError(`the first line must name the columns ${columns.join(' and ')}`, 1);
  }
  return rows.map((r) => {
    const rec = {} as Record<K, string>;
    columns.forEach((c, k) => {
      rec[c] = unprotect((r[index[k]!] ?? '').trim());
    });
    return rec;
  });
}
