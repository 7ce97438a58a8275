/**
 * Typed failures of X3 calls. Each carries a stable `code` (the HTTP API's error codes), the
 * method, the URL (paths and queries built by the client never hold a secret) and the HTTP
 * status when X3 answered. Messages are plain words and pass through the client's redactor,
 * so a secret that X3 echoes back never reaches a message.
 */

export type X3ErrorCode =
  | 'x3_unreachable'
  | 'x3_auth_failed'
  | 'x3_folder_not_found'
  | 'x3_permission_denied'
  | 'not_found'
  | 'x3_rejected'
  | 'x3_unavailable'
  | 'outcome_uncertain'
  | 'invalid_input';

/** One entry of an SData `$diagnoses` array, normalized. */
export interface X3Diagnosis {
  severity: 'info' | 'warning' | 'transient' | 'error' | 'fatal';
  message: string;
  sdataCode?: string;
  applicationCode?: string;
  payloadPath?: string;
  /** Set when the diagnosis came from an embedded line rather than the record. */
  linePath?: string;
}

export interface X3ErrorDetails {
  method?: string;
  url?: string;
  status?: number;
  cause?: unknown;
}

export class X3Error extends Error {
  readonly code: X3ErrorCode;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly status: number | undefined;

  constructor(code: X3ErrorCode, message: string, details: X3ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      method: this.method,
      url: this.url,
      status: this.status,
    };
  }
}

/** DNS failure, connection refused, TLS failure or connect timeout: nothing reached X3. */
export class X3UnreachableError extends X3Error {
  readonly reason: 'dns' | 'refused' | 'tls' | 'connect_timeout' | 'network';
  constructor(reason: X3UnreachableError['reason'], message: string, details: X3ErrorDetails = {}) {
    super('x3_unreachable', message, details);
    this.reason = reason;
  }
}

/** Credentials refused by the token endpoint or by X3 itself. Never retried. */
export class X3AuthError extends X3Error {
  /** The OAuth2 error code (`invalid_client`, …) when the token endpoint gave one. */
  readonly oauthError: string | undefined;
  constructor(message: string, details: X3ErrorDetails & { oauthError?: string } = {}) {
    super('x3_auth_failed', message, details);
    this.oauthError = details.oauthError;
  }
}

export class X3FolderNotFoundError extends X3Error {
  readonly folder: string;
  constructor(folder: string, message: string, details: X3ErrorDetails = {}) {
    super('x3_folder_not_found', message, details);
    this.folder = folder;
  }
}

export class X3PermissionError extends X3Error {
  constructor(message: string, details: X3ErrorDetails = {}) {
    super('x3_permission_denied', message, details);
  }
}

export class X3NotFoundError extends X3Error {
  constructor(message: string, details: X3ErrorDetails = {}) {
    super('not_found', message, details);
  }
}

/** X3 refused the request on business or syntax grounds; `diagnoses` says why. */
export class X3RejectedError extends X3Error {
  readonly diagnoses: X3Diagnosis[];
  constructor(message: string, diagnoses: X3Diagnosis[], details: X3ErrorDetails = {}) {
    super('x3_rejected', message, details);
    this.diagnoses = diagnoses;
  }
}

/** X3 is overloaded or failing (429, 503 pool exhaustion, 5xx) after the allowed retries. */
export class X3UnavailableError extends X3Error {
  readonly retryAfterMs: number | undefined;
  readonly diagnoses: X3Diagnosis[];
  constructor(
    message: string,
    details: X3ErrorDetails & { retryAfterMs?: number; diagnoses?: X3Diagnosis[] } = {},
  ) {
    super('x3_unavailable', message, details);
    this.retryAfterMs = details.retryAfterMs;
    this.diagnoses = details.diagnoses ?? [];
  }
}

/** No answer within the allowed time (reads only; a write that times out is uncertain). */
export class X3TimeoutError extends X3UnavailableError {}

/** X3 answered something the client cannot use (not JSON, a paging link to another host…). */
export class X3ProtocolError extends X3UnavailableError {}

/**
 * A write was sent and its outcome is unknown: X3 may or may not have committed it. The caller
 * must look the document up (for sales orders: `findByCustomerOrderReference`) before trying
 * again.
 */
export class X3OutcomeUncertainError extends X3Error {
  constructor(message: string, details: X3ErrorDetails = {}) {
    super('outcome_uncertain', message, details);
  }
}

/** The caller's input was refused before anything was sent to X3. */
export class X3InvalidInputError extends X3Error {
  readonly issues: string[];
  constructor(message: string, issues: string[] = []) {
    super('invalid_input', message);
    this.issues = issues;
  }
}
