import { X3UnreachableError } from './errors.js';

/** A failed HTTP exchange, classified by whether the request can have reached X3. */
export interface NetworkFailure {
  kind: 'dns' | 'refused' | 'tls' | 'connect_timeout' | 'reset' | 'timeout' | 'other';
  /** False when the request certainly never left: safe to report as a plain failure. */
  sent: boolean;
  unreachableReason?: X3UnreachableError['reason'];
  message: string;
  cause: unknown;
}

function codes(error: unknown): string[] {
  const found: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') found.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|DEPTH_ZERO/;

export function classifyNetworkError(error: unknown, timedOut = false): NetworkFailure {
  const all = codes(error);
  const has = (...list: string[]) => all.some((c) => list.includes(c));
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME')) {
    return {
      kind: 'dns',
      sent: false,
      unreachableReason: 'dns',
      message: 'The X3 host name does not resolve (DNS). Check the base URL for typos.',
      cause: error,
    };
  }
  if (has('ECONNREFUSED')) {
    return {
      kind: 'refused',
      sent: false,
      unreachableReason: 'refused',
      message:
        'X3 refused the connection: nothing listens on that host and port. Check the base URL and port (often 8124) and that the X3 web server runs.',
      cause: error,
    };
  }
  if (all.some((c) => TLS_CODES.test(c))) {
    return {
      kind: 'tls',
      sent: false,
      unreachableReason: 'tls',
      message:
        'The TLS handshake with X3 failed (certificate not trusted or invalid). For a self-signed certificate, supply its CA to the client.',
      cause: error,
    };
  }
  if (has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH')) {
    return {
      kind: 'connect_timeout',
      sent: false,
      unreachableReason: 'connect_timeout',
      message:
        'No connection to X3 could be opened in time. Check the host, the port and any firewall between.',
      cause: error,
    };
  }
  if (timedOut || has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT')) {
    return { kind: 'timeout', sent: true, message: 'X3 did not answer in time.', cause: error };
  }
  if (has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED')) {
    return { kind: 'reset', sent: true, message: 'The connection to X3 broke.', cause: error };
  }
  return { kind: 'other', sent: true, message: 'The call to X3 failed.', cause: error };
}
