import { ApiError } from './api.js';

// How an API error reads on screen. Kept apart from the React component so that every error
// shape the API answers with can be checked without a browser.

export interface ErrorView {
  title: string;
  code: string | null;
  message: string;
  /** Plain-words hint for the person, from the server or ours. */
  fix: string | null;
  /** One line per field or row at fault (`items.0.unitPrice: …`). */
  problems: string[];
  /** Codes that have no mapping yet (`unmapped_codes`). */
  unmapped: string[];
  /** Quotes a `conflict` names (a connection with pending quotes cannot be deleted). */
  quoteIds: string[];
  /** Details not shown by any of the above, for the folded "Details" block. */
  rest: unknown;
}

const titles: Record<string, string> = {
  x3_unreachable: 'X3 unreachable',
  x3_unavailable: 'X3 busy or down',
  x3_auth_failed: 'X3 refused the credentials',
  x3_folder_not_found: 'Folder not found in X3',
  x3_permission_denied: 'X3 refused access',
  x3_rejected: 'X3 refused the request',
  outcome_uncertain: 'Outcome unknown',
  invalid_body: 'Some fields are not valid',
  invalid_query: 'The request is not valid',
  invalid_input: 'Some rows are not valid',
  invalid_host: 'Host not allowed',
  conflict: 'Not possible right now',
  idempotency_conflict: 'Already accepted with other details',
  unmapped_codes: 'Codes without a mapping',
  rate_limited: 'Too many requests',
};

const fixes: Record<string, string> = {
  invalid_body:
    'This screen sent a field the server does not accept, or left one out: check the fields named below. If they are not on this screen, the server and the admin UI are of different versions.',
  invalid_query:
    'This screen asked with a parameter the server does not accept. Reload the page; if it persists, the server and the admin UI are of different versions.',
};

function titleOf(e: ApiError): string {
  const known = titles[e.code];
  if (known) return known;
  if (e.status === 0) return 'Server unreachable';
  if (e.status === 401) return 'API key refused';
  if (e.status === 404) return 'Not found';
  if (e.status === 409) return 'Not possible right now';
  if (e.status >= 500) return 'Server error';
  return 'Request refused';
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function lineOf(p: unknown): string {
  if (typeof p === 'string') return p;
  const o = asRecord(p);
  if (!o) return String(p);
  const rowOrLine =
    o.row !== undefined ? `row ${String(o.row)}` : o.line !== undefined ? `line ${String(o.line)}` : null;
  const where = [rowOrLine, o.field ?? o.path]
    .filter((x) => x !== null && x !== undefined && x !== '')
    .map(String)
    .join(', ');
  const text = String(o.message ?? o.text ?? o.code ?? JSON.stringify(o));
  return where ? `${where}: ${text}` : text;
}

const PROBLEM_KEYS = ['problems', 'diagnoses', 'fields', 'issues'];
const UNMAPPED_KEYS = ['products', 'customers', 'productCodes', 'customerAccounts', 'unmapped', 'codes'];
// Keys the screen shows elsewhere (check steps) or that say nothing to a person.
const QUIET_KEYS = ['fix', 'checks', 'step', 'status', 'reason'];

export function describeError(error: unknown): ErrorView {
  const api = error instanceof ApiError ? error : null;
  const message = api ? api.message : error instanceof Error ? error.message : String(error);
  const d = asRecord(api?.details);
  const view: ErrorView = {
    title: api ? titleOf(api) : 'Something went wrong',
    code: api?.code ?? null,
    message,
    fix: null,
    problems: [],
    unmapped: [],
    quoteIds: [],
    rest: null,
  };
  if (!d) {
    view.fix = api ? (fixes[api.code] ?? null) : null;
    if (api && api.details !== undefined && api.details !== null) view.rest = api.details;
    return view;
  }
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === 'fix' && typeof v === 'string' && v) view.fix = v;
    else if (PROBLEM_KEYS.includes(k) && Array.isArray(v)) view.problems.push(...v.map(lineOf));
    else if (k === 'field' && typeof v === 'string') view.problems.push(`${v}: ${message}`);
    else if (k === 'quoteIds' && Array.isArray(v)) view.quoteIds.push(...v.map(String));
    else if (UNMAPPED_KEYS.includes(k) && Array.isArray(v))
      view.unmapped.push(...v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))));
    else if (!QUIET_KEYS.includes(k)) rest[k] = v;
  }
  view.fix ??= api ? (fixes[api.code] ?? null) : null;
  view.rest = Object.keys(rest).length > 0 ? rest : null;
  return view;
}
