import type { Dispatcher } from 'undici';
import { EgressError, type EgressGuard, type EgressTarget, createPinnedDispatcher } from '../egress/index.js';
import {
  X3AuthError,
  X3Error,
  X3FolderNotFoundError,
  X3PermissionError,
  X3ProtocolError,
  X3TimeoutError,
  X3UnreachableError,
} from '../x3/errors.js';
import { createX3Client, type X3Client } from '../x3/index.js';
import type { X3Hooks, X3Logger } from '../x3/options.js';
import type { AuthInput, CheckStep, ConnectionSettings, ConnectionStatus, LastError } from './connection.js';

/** Everything needed to talk to one X3 folder; the auth lives in memory only. */
export interface X3Target {
  baseUrl: string;
  folder: string;
  auth: AuthInput;
  settings: ConnectionSettings;
}

export interface X3Access {
  guard: EgressGuard;
  /** Replaces the egress-pinned dispatcher (tests that route X3 through their own agent). */
  dispatcher?: Dispatcher;
  logger?: X3Logger;
}

/** A failed check, told apart: the API error code, the status it leaves, and the fix. */
export interface CheckFailure {
  code:
    | 'invalid_host'
    | 'x3_unreachable'
    | 'x3_auth_failed'
    | 'x3_folder_not_found'
    | 'x3_permission_denied'
    | 'x3_unavailable';
  status: ConnectionStatus;
  step: CheckStep['step'];
  message: string;
  fix: string;
  /** Which TLS problem, when the handshake failed: the wizard tells them apart. */
  reason?: TlsProblem;
}

export type TlsProblem = 'tls_untrusted' | 'tls_expired' | 'tls_hostname' | 'tls';

export interface CheckOutcome {
  status: ConnectionStatus;
  checks: CheckStep[];
  failure: CheckFailure | null;
}

export interface OpenedClient {
  client: X3Client;
  dispatcher: Dispatcher | null;
  close(): Promise<void>;
}

function tokenUrlOf(target: X3Target): string | null {
  return target.auth.type === 'client_credentials' && target.auth.tokenUrl ? target.auth.tokenUrl : null;
}

/**
 * Checks the X3 address (and token URL) with the egress guard and builds a client whose
 * sockets only reach the validated addresses. Throws EgressError when an address is refused.
 */
export async function openX3Client(
  target: X3Target,
  access: X3Access,
  mode: 'serve' | 'check' = 'serve',
  hooks?: X3Hooks,
): Promise<OpenedClient> {
  const targets: EgressTarget[] = [await access.guard.check(target.baseUrl)];
  const tokenUrl = tokenUrlOf(target);
  if (tokenUrl) targets.push(await access.guard.check(tokenUrl));
  const concurrency = target.settings.concurrency ?? 4;
  const ca = target.settings.tls?.ca;
  const pinned = access.dispatcher
    ? null
    : createPinnedDispatcher(targets, { connections: concurrency, ...(ca === undefined ? {} : { ca }) });
  const timeoutMs = target.settings.timeoutMs;
  const client = createX3Client({
    baseUrl: target.baseUrl,
    folder: target.folder,
    auth: target.auth,
    ...(ca === undefined ? {} : { tls: { ca } }),
    ...(access.dispatcher ? { dispatcher: access.dispatcher } : pinned ? { dispatcher: pinned } : {}),
    ...(access.logger ? { logger: access.logger } : {}),
    ...(hooks ? { hooks } : {}),
    // A wizard answer should come in seconds: one attempt, short timeouts.
    limits:
      mode === 'check'
        ? { maxConcurrent: concurrency, retries: 0, authCooldownMs: 0 }
        : { maxConcurrent: concurrency },
    timeouts:
      mode === 'check'
        ? { connectMs: 5_000, tokenMs: 10_000, readMs: timeoutMs ?? 15_000 }
        : {
            ...(timeoutMs !== undefined ? { readMs: timeoutMs, writeMs: timeoutMs } : {}),
          },
  });
  return {
    client,
    dispatcher: pinned,
    async close() {
      await client.close();
      await pinned?.close();
    },
  };
}

function elapsed(start: number): number {
  return Math.max(0, Math.round(performance.now() - start));
}

function findEgressError(err: unknown): EgressError | null {
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    if (e instanceof EgressError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

function errorCodes(err: unknown): string[] {
  const found: string[] = [];
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') found.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return found;
}

const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** A failed TLS handshake in plain words: which problem, and what the person can do about it. */
function describeTlsFailure(
  err: unknown,
  target: X3Target,
): { reason: TlsProblem; message: string; fix: string } {
  const codes = errorCodes(err);
  const host = hostOf(target.baseUrl);
  if (codes.some((c) => UNTRUSTED_CODES.has(c))) {
    return target.settings.tls
      ? {
          reason: 'tls_untrusted',
          message: `The certificate of ${host} is not trusted: the CA certificate given for this connection did not sign it.`,
          fix: "Paste the certificate of the CA that issued the X3 server's certificate (or, if it is self-signed, the server's certificate itself) as the CA certificate (PEM) under Advanced.",
        }
      : {
          reason: 'tls_untrusted',
          message: `The certificate of ${host} is not trusted: it is self-signed or issued by a private (in-house) CA.`,
          fix: 'Paste the CA certificate (PEM) under Advanced (settings.tls.ca) to trust it for this connection, or start x3bridge with NODE_EXTRA_CA_CERTS=/path/to/ca.pem to trust it for the whole process.',
        };
  }
  if (codes.includes('CERT_HAS_EXPIRED') || codes.includes('CERT_NOT_YET_VALID')) {
    return {
      reason: 'tls_expired',
      message: `The certificate of ${host} has expired or is not valid yet.`,
      fix: 'Renew the X3 web server certificate (Syracuse), and check the clock of the machine x3bridge runs on.',
    };
  }
  if (codes.includes('ERR_TLS_CERT_ALTNAME_INVALID')) {
    return {
      reason: 'tls_hostname',
      message: `The certificate of ${host} is for another host name.`,
      fix: 'Use the host name the certificate was issued for in the URL, or have the certificate reissued with this name.',
    };
  }
  return {
    reason: 'tls',
    message: err instanceof Error ? err.message : 'The TLS handshake with X3 failed.',
    fix: 'The TLS handshake failed: check that the address uses https only where X3 serves https, and that its certificate is valid for that host name.',
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the X3 server';
  }
}

/** Turns whatever a check step threw into a plain-words failure with its fix. */
export function describeFailure(err: unknown, step: CheckStep['step'], target: X3Target): CheckFailure {
  const egress = findEgressError(err);
  if (egress) {
    if (egress.reason === 'dns_failed') {
      return {
        code: 'x3_unreachable',
        status: 'unreachable',
        step,
        message: egress.message,
        fix: egress.fix,
      };
    }
    return { code: 'invalid_host', status: 'unreachable', step, message: egress.message, fix: egress.fix };
  }
  if (err instanceof X3UnreachableError && err.reason === 'tls') {
    return { code: 'x3_unreachable', status: 'unreachable', step, ...describeTlsFailure(err, target) };
  }
  if (err instanceof X3UnreachableError) {
    const fixes: Record<X3UnreachableError['reason'], string> = {
      dns: 'Check the spelling of the host name, and that it resolves from the machine x3bridge runs on.',
      refused:
        'Nothing answers at that address and port: check the port (Syracuse often listens on 8124) and that the X3 web server is running.',
      tls: 'The TLS handshake failed: check that the address uses https only where X3 serves https, and that its certificate is valid for that host name.',
      connect_timeout:
        'The server did not answer in time: check the host and port, and that a firewall lets x3bridge reach it.',
      network: 'Check the address and that the X3 web server is reachable from the machine x3bridge runs on.',
    };
    return {
      code: 'x3_unreachable',
      status: 'unreachable',
      step,
      message: err.message,
      fix: fixes[err.reason],
    };
  }
  if (err instanceof X3TimeoutError) {
    return {
      code: 'x3_unreachable',
      status: 'unreachable',
      step,
      message: err.message,
      fix: 'X3 did not answer in time: check that the X3 web server is up, or raise settings.timeoutMs.',
    };
  }
  if (err instanceof X3AuthError) {
    const wrongClient = err.oauthError === 'invalid_client';
    return {
      code: 'x3_auth_failed',
      status: 'auth_failed',
      step,
      message: err.message,
      fix: wrongClient
        ? 'The client id or secret is wrong: copy them again from X3 (Administration > Authentication > OAuth2 clients or Connected applications).'
        : 'Check the credentials and, for OAuth2, the token URL and the token endpoint auth method.',
    };
  }
  if (err instanceof X3FolderNotFoundError) {
    return {
      code: 'x3_folder_not_found',
      status: 'folder_not_found',
      step,
      message: err.message,
      fix: `Check the folder code: "${target.folder}" is not an X3 folder on this server (folder codes are upper case, e.g. SEED).`,
    };
  }
  if (err instanceof X3PermissionError) {
    return {
      code: 'x3_permission_denied',
      status: 'permission_denied',
      step,
      message: err.message,
      fix: 'Give the X3 user behind these credentials read rights on customers (BPCUSTOMER) in this folder.',
    };
  }
  if (err instanceof X3ProtocolError && err.status !== undefined && err.status >= 300 && err.status < 400) {
    return {
      code: 'invalid_host',
      status: 'unreachable',
      step,
      message: 'X3 answered with a redirect, so the address is probably not the X3 web server itself.',
      fix: 'Give the final address of the X3 web server (check http versus https and the port); x3bridge does not follow redirects.',
    };
  }
  if (err instanceof X3Error) {
    return {
      code: 'x3_unavailable',
      status: 'unreachable',
      step,
      message: err.message,
      fix: 'X3 answered, but not as expected: check that the address is the X3 web server (Syracuse) and try again.',
    };
  }
  return {
    code: 'x3_unreachable',
    status: 'unreachable',
    step,
    message: 'X3 could not be reached.',
    fix: 'Check the address and that the X3 web server is reachable from the machine x3bridge runs on.',
  };
}

/**
 * The wizard's checks: mint a credential, then read one customer in the folder. Both happen
 * in one client call; the client's hooks tell when the token exchange ended and the read
 * began, so each step gets its own timing and a failure is pinned to the step it hit.
 */
export async function runConnectionCheck(target: X3Target, access: X3Access): Promise<CheckOutcome> {
  const start = performance.now();
  let tokenMs = 0;
  let readStartedAt: number | null = null;
  const hooks: X3Hooks = {
    onRequest: (e) => {
      if (e.kind === 'api' && readStartedAt === null) readStartedAt = performance.now();
    },
    onResponse: (e) => {
      if (e.kind === 'token') tokenMs += e.durationMs;
    },
  };
  const mintsToken = target.auth.type === 'client_credentials';
  const tokenStep = (): CheckStep => ({
    step: 'token',
    ok: true,
    ms: Math.round(tokenMs),
    ...(mintsToken
      ? {}
      : {
          message:
            target.auth.type === 'basic'
              ? 'Basic authentication: no token to mint, the credentials go with each call.'
              : 'Connected app: the token is signed locally for each call.',
        }),
  });

  let opened: OpenedClient;
  try {
    opened = await openX3Client(target, access, 'check', hooks);
  } catch (err) {
    const failure = describeFailure(err, 'token', target);
    return {
      status: failure.status,
      checks: [{ step: 'token', ok: false, ms: elapsed(start), message: failure.message }],
      failure,
    };
  }
  try {
    await opened.client.customers.page({ pageSize: 1 });
    const readMs = readStartedAt === null ? 0 : elapsed(readStartedAt);
    return {
      status: 'active',
      checks: [tokenStep(), { step: 'test_read', ok: true, ms: readMs }],
      failure: null,
    };
  } catch (err) {
    if (readStartedAt === null && mintsToken) {
      const failure = describeFailure(err, 'token', target);
      return {
        status: failure.status,
        checks: [{ step: 'token', ok: false, ms: elapsed(start), message: failure.message }],
        failure,
      };
    }
    const failure = describeFailure(err, 'test_read', target);
    const readMs = readStartedAt === null ? elapsed(start) : elapsed(readStartedAt);
    return {
      status: failure.status,
      checks: [tokenStep(), { step: 'test_read', ok: false, ms: readMs, message: failure.message }],
      failure,
    };
  } finally {
    await opened.close().catch(() => undefined);
  }
}

export function failureToLastError(f: CheckFailure | null): LastError | null {
  return f ? { code: f.code, message: f.message, step: f.step, fix: f.fix } : null;
}
