// Plain HTTP helpers for the simulator's own tests: every call goes over real HTTP.
import { DEMO_CREDENTIALS, type Simulator } from '../index.js';

export interface Answer {
  status: number;
  headers: Headers;
  // Test assertions read arbitrary JSON shapes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string;
  basic?: [string, string];
  authorization?: string;
  folderHeader?: string;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export function apiPath(folder: string, rest: string): string {
  return `/api1/x3/erp/${folder}/${rest}`;
}

export function basicHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export async function call(
  sim: Simulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    accept: 'application/json;vnd.sage=syracuse',
    ...options.headers,
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.basic) headers.authorization = basicHeader(...options.basic);
  if (options.authorization) headers.authorization = options.authorization;
  if (options.folderHeader) headers['x-sage-folder'] = options.folderHeader;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(path.startsWith('http') ? path : `${sim.url}${path}`, {
    method,
    headers,
    ...(body !== undefined && { body }),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export async function mintToken(
  sim: Simulator,
  clientId: string = DEMO_CREDENTIALS.oauth2.clientId,
  clientSecret: string = DEMO_CREDENTIALS.oauth2.clientSecret,
): Promise<string> {
  const res = await fetch(`${sim.url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicHeader(clientId, clientSecret),
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token mint failed: ${res.status}`);
  return body.access_token;
}

/** Follows `$links.$next` from a first page; returns every resource and the pages' sizes. */
export async function pageAll(
  sim: Simulator,
  token: string,
  firstPath: string,
): Promise<{ records: Record<string, unknown>[]; pages: number; sizes: number[] }> {
  const records: Record<string, unknown>[] = [];
  const sizes: number[] = [];
  let next: string | undefined = firstPath;
  while (next) {
    const page = await call(sim, 'GET', next, { token });
    if (page.status !== 200) throw new Error(`page failed: ${page.status} ${page.text}`);
    records.push(...(page.body.$resources as Record<string, unknown>[]));
    sizes.push(page.body.$resources.length as number);
    next = page.body.$links?.$next?.$url as string | undefined;
    if (sizes.length > 10_000) throw new Error('paging does not end');
  }
  return { records, pages: sizes.length, sizes };
}
