// RFC 4180 CSV, enough for mapping files that people edit in a spreadsheet: quoted fields,
// doubled quotes, CRLF or LF, a byte-order mark from Excel, and `,` or `;` as separator.

export function parseCsv(text: string): string[][] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = src.slice(0, src.search(/\r?\n|$/));
  const sep = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === sep) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

function quote(field: string): string {
  // A leading = + - @ makes spreadsheets evaluate the cell; a quote mark keeps it text. A cell
  // that already starts with a quote mark gets one too, so that reading back is unambiguous.
  const safe = /^[=+\-@\t\r']/.test(field) ? `'${field}` : field;
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Undoes the protection `toCsv` adds, so that an exported file imports back unchanged. */
function unprotect(field: string): string {
  return /^'[=+\-@\t\r']/.test(field) ? field.slice(1) : field;
}

export function toCsv(header: string[], rows: string[][]): string {
  return [header, ...rows].map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}

export interface CsvMappingRow {
  source: string;
  target: string;
  name: string;
}

/**
 * Reads a mapping file: first column the platform's code, second the X3 code (may be empty),
 * third an optional name used for suggestions. A header row is recognised by its column names.
 */
export function parseMappingCsv(
  text: string,
  headerNames: { source: string; target: string },
): CsvMappingRow[] {
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  let srcIdx = 0;
  let tgtIdx = 1;
  let nameIdx = 2;
  const head = rows[0]!.map((h) => h.trim().toLowerCase());
  const known = [headerNames.source.toLowerCase(), headerNames.target.toLowerCase(), 'name', 'description'];
  if (head.some((h) => known.includes(h))) {
    rows.shift();
    const s = head.indexOf(headerNames.source.toLowerCase());
    const t = head.indexOf(headerNames.target.toLowerCase());
    const n = head.findIndex((h) => h === 'name' || h === 'description');
    srcIdx = s >= 0 ? s : 0;
    tgtIdx = t >= 0 ? t : -1;
    nameIdx = n;
  }
  const cell = (r: string[], i: number) => (i >= 0 ? unprotect((r[i] ?? '').trim()) : '');
  const out = new Map<string, CsvMappingRow>();
  for (const r of rows) {
    const source = cell(r, srcIdx);
    if (!source) continue;
    out.set(source, {
      source,
      target: cell(r, tgtIdx),
      name: cell(r, nameIdx),
    });
  }
  return [...out.values()];
}
