// Parses `/api1/x3/erp/{FOLDER}/{CLASS}[('KEY')|/$template|/$prototypes('REP.$facet')]`.
// Keys are quoted with `''` for an inner quote, parts joined by `~`, the whole percent-encoded.

export const API_PREFIX = '/api1/x3/erp/';

export type ApiTarget =
  | {
      ok: true;
      folder: string;
      cls: string;
      key?: string;
      keyParts?: string[];
      sub?: 'template' | 'prototypes';
      prototype?: string;
    }
  | { ok: false; folder?: string; cls?: string; status: 400 | 404; message: string };

const SEGMENT = /^([A-Za-z0-9_]+)(?:\((.*)\))?$/s;

function unquote(text: string): string | undefined {
  if (text.length < 2 || !text.startsWith("'") || !text.endsWith("'")) return undefined;
  const inner = text.slice(1, -1);
  // A lone quote inside would end the literal early: X3 only accepts doubled ones.
  if (inner.replace(/''/g, '').includes("'")) return undefined;
  return inner.replace(/''/g, "'");
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function parseApiPath(path: string): ApiTarget {
  const rest = path.slice(API_PREFIX.length);
  const segments = rest.split('/');
  const folder = decode(segments[0] ?? '');
  if (!folder) return { ok: false, status: 404, message: 'The path names no folder' };
  if (segments.length < 2 || segments[1] === '') {
    return { ok: false, folder, status: 404, message: `No class in the path for folder ${folder}` };
  }
  const classText = decode(segments[1]!);
  if (classText === undefined)
    return { ok: false, folder, status: 400, message: 'The path is not valid percent-encoding' };
  const m = SEGMENT.exec(classText);
  if (!m) return { ok: false, folder, status: 400, message: `Bad resource segment: ${classText}` };
  const cls = m[1]!;
  if (segments.length > 3) return { ok: false, folder, cls, status: 404, message: 'Unknown resource path' };
  if (segments.length === 3) {
    if (m[2] !== undefined) return { ok: false, folder, cls, status: 404, message: 'Unknown resource path' };
    const sub = decode(segments[2]!);
    if (sub === '$template') return { ok: true, folder, cls, sub: 'template' };
    const proto = sub === undefined ? undefined : /^\$prototypes\((.*)\)$/s.exec(sub);
    if (proto) {
      const rep = unquote(proto[1]!);
      if (rep === undefined)
        return { ok: false, folder, cls, status: 400, message: `Bad prototype reference: ${proto[1]}` };
      return { ok: true, folder, cls, sub: 'prototypes', prototype: rep };
    }
    return { ok: false, folder, cls, status: 404, message: `Unknown resource path: ${sub ?? segments[2]}` };
  }
  if (m[2] === undefined) return { ok: true, folder, cls };
  const key = unquote(m[2]);
  if (key === undefined || key === '') {
    return {
      ok: false,
      folder,
      cls,
      status: 400,
      message: `Bad key syntax: ${m[2]} (expected a quoted key such as ('C0001'))`,
    };
  }
  return { ok: true, folder, cls, key, keyParts: key.split('~') };
}
