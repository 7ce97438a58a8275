// Records as X3 puts them on the wire: `$uuid`/`$etag` first, `X_REF` companions with their
// `$title` beside each reference, lines with their own `$uuid`, and (in folders that do so)
// quantities as numeric strings.
import { refTitle, type Folder } from './folder.js';
import { keyOf, type ClassDef, type PropDef } from './schema.js';
import type { Diagnosis, X3Record } from './types.js';
import { stableUuid } from './util.js';

function put(folder: Folder, out: X3Record, def: PropDef, value: unknown, numericStrings: boolean): void {
  if (value === undefined) return;
  out[def.name] =
    numericStrings && def.type === 'quantity' && typeof value === 'number' ? String(value) : value;
  if (def.ref && typeof value === 'string' && value.trim() !== '') {
    const title = refTitle(folder, def.ref, value);
    if (title !== undefined) out[`${def.name}_REF`] = { $title: title };
  }
}

export function recordUuid(folder: Folder, cls: ClassDef, record: X3Record): string {
  return stableUuid(`${folder.code}/${cls.name}/${keyOf(cls, record)}`);
}

/** The wire form of a stored record. */
export function renderRecord(
  folder: Folder,
  cls: ClassDef,
  record: X3Record,
  numericStrings = folder.settings.numericStrings,
): X3Record {
  const out: X3Record = {
    $uuid: recordUuid(folder, cls, record),
    $etag: record.$etag ?? record.UPDDATTIM,
  };
  for (const def of cls.props) put(folder, out, def, record[def.name], numericStrings);
  if (cls.lines) {
    const lines = (record[cls.lines.name] as X3Record[] | undefined) ?? [];
    out[cls.lines.name] = lines.map((line) => {
      const l: X3Record = {
        $uuid:
          line.$uuid ??
          stableUuid(
            `${folder.code}/${cls.name}/${keyOf(cls, record)}/${String(line[cls.lines!.numberField])}`,
          ),
      };
      for (const def of cls.lines!.props) put(folder, l, def, line[def.name], numericStrings);
      return l;
    });
  }
  return out;
}

export function diagnoses(...list: Diagnosis[]): { $diagnoses: Diagnosis[] } {
  return { $diagnoses: list };
}

export function diagnosis(
  message: string,
  severity: Diagnosis['$severity'] = 'error',
  sdataCode?: string,
): { $diagnoses: Diagnosis[] } {
  const d: Diagnosis = { $severity: severity, $message: message };
  if (sdataCode) d.$sdataCode = sdataCode;
  return { $diagnoses: [d] };
}
