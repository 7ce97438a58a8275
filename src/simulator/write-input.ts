// Turns a write body into canonical values, checking it against the class the way X3's
// representation layer does before any business rule runs: unknown properties, types, lengths.
import { headerProp, lineProp, type ClassDef, type PropDef } from './schema.js';
import type { Diagnosis, X3Record } from './types.js';
import { BLANK } from './util.js';

export interface WriteInput {
  values: X3Record;
  /** Lines as sent (each may carry the `$uuid` of an existing line). */
  lines?: X3Record[];
  diagnoses: Diagnosis[];
}

const INDEXED = /^([A-Z0-9_]+)\((\d+)\)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function error(message: string, payloadPath?: string, sdataCode?: string): Diagnosis {
  const d: Diagnosis = { $severity: 'error', $message: message };
  if (sdataCode) d.$sdataCode = sdataCode;
  if (payloadPath) d.$payloadPath = payloadPath;
  return d;
}

function coerceScalar(def: PropDef, value: unknown, path: string, out: Diagnosis[]): unknown {
  switch (def.type) {
    case 'string': {
      if (typeof value !== 'string' && typeof value !== 'number') {
        out.push(error(`${def.name}: a text value is expected`, path));
        return undefined;
      }
      const text = String(value);
      if (def.maxLength !== undefined && text.length > def.maxLength) {
        out.push(error(`${def.name}: the value is longer than ${def.maxLength} characters`, path));
        return undefined;
      }
      return text === '' ? BLANK : text;
    }
    case 'integer':
    case 'enum':
    case 'quantity':
    case 'decimal': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      if (!Number.isFinite(n) || ((def.type === 'integer' || def.type === 'enum') && !Number.isInteger(n))) {
        out.push(error(`${def.name}: a numeric value is expected`, path));
        return undefined;
      }
      return n;
    }
    case 'date': {
      if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
        out.push(error(`${def.name}: a date YYYY-MM-DD is expected`, path));
        return undefined;
      }
      return value;
    }
    case 'datetime': {
      if (typeof value !== 'string' || !DATETIME.test(value)) {
        out.push(error(`${def.name}: a UTC date and time is expected`, path));
        return undefined;
      }
      return value;
    }
  }
}

function coerce(def: PropDef, value: unknown, path: string, out: Diagnosis[]): unknown {
  if (!def.dim) return coerceScalar(def, value, path, out);
  const list = Array.isArray(value) ? value : [value];
  if (list.length > def.dim) {
    out.push(error(`${def.name}: at most ${def.dim} values are allowed`, path));
    return undefined;
  }
  return list.map((v, i) => coerceScalar(def, v, `${path}[${i}]`, out));
}

/** Reads properties of one object (header or line) into `into`; returns false on any error. */
function readObject(
  cls: ClassDef,
  source: Record<string, unknown>,
  find: (name: string) => PropDef | undefined,
  basePath: string,
  into: X3Record,
  out: Diagnosis[],
  allowLines: boolean,
): X3Record[] | undefined {
  let lines: X3Record[] | undefined;
  for (const [name, raw] of Object.entries(source)) {
    const path = basePath ? `${basePath}.${name}` : name;
    if (name.startsWith('$')) {
      if (name === '$uuid' && !allowLines && typeof raw === 'string') into.$uuid = raw;
      continue;
    }
    if (allowLines && cls.lines && name === cls.lines.name) {
      if (!Array.isArray(raw)) {
        out.push(error(`${name}: a list of lines is expected`, path));
        continue;
      }
      lines = [];
      raw.forEach((line, i) => {
        const linePath = `${name}[${i}]`;
        if (line === null || typeof line !== 'object' || Array.isArray(line)) {
          out.push(error(`${linePath}: a line object is expected`, linePath));
          return;
        }
        const target: X3Record = {};
        readObject(
          cls,
          line as Record<string, unknown>,
          (n) => lineProp(cls, n),
          linePath,
          target,
          out,
          false,
        );
        lines!.push(target);
      });
      continue;
    }
    const indexed = INDEXED.exec(name);
    if (indexed) {
      const def = find(indexed[1]!);
      const at = Number(indexed[2]);
      if (!def?.dim || at >= def.dim) {
        out.push(error(`The property ${name} does not exist in the representation ${cls.name}`, path));
        continue;
      }
      const v = coerceScalar(def, raw, path, out);
      const arr = Array.isArray(into[def.name]) ? (into[def.name] as unknown[]) : [];
      arr[at] = v;
      into[def.name] = arr;
      continue;
    }
    if (name.endsWith('_REF') && find(name.slice(0, -4))?.ref) continue;
    const def = find(name);
    if (!def) {
      out.push(error(`The property ${name} does not exist in the representation ${cls.name}`, path));
      continue;
    }
    const v = coerce(def, raw, path, out);
    if (v !== undefined) into[name] = v;
  }
  // Dimensioned values written through indexed names may leave holes: blanks fill them.
  for (const [name, v] of Object.entries(into)) {
    if (Array.isArray(v) && find(name)?.dim) into[name] = Array.from(v, (x) => x ?? BLANK);
  }
  return lines;
}

export function readWriteBody(cls: ClassDef, body: unknown): WriteInput {
  const diagnoses: Diagnosis[] = [];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { values: {}, diagnoses: [error('The request body must be a JSON object')] };
  }
  const values: X3Record = {};
  const lines = readObject(
    cls,
    body as Record<string, unknown>,
    (n) => headerProp(cls, n),
    '',
    values,
    diagnoses,
    true,
  );
  const input: WriteInput = { values, diagnoses };
  if (lines) input.lines = lines;
  return input;
}

/** Mandatory header properties that are missing or blank. */
export function missingMandatory(
  defs: PropDef[],
  values: X3Record,
  pathPrefix = '',
  exclude: string[] = [],
): Diagnosis[] {
  const out: Diagnosis[] = [];
  for (const def of defs) {
    if (!def.mandatory || exclude.includes(def.name)) continue;
    const v = values[def.name];
    const first = Array.isArray(v) ? v[0] : v;
    if (first === undefined || first === null || (typeof first === 'string' && first.trim() === '')) {
      out.push(error(`${def.name}: mandatory field`, `${pathPrefix}${def.name}`));
    }
  }
  return out;
}
