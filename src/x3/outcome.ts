import {
  X3AuthError,
  X3Error,
  X3FolderNotFoundError,
  X3NotFoundError,
  X3OutcomeUncertainError,
  X3PermissionError,
  X3ProtocolError,
  X3RejectedError,
  X3UnavailableError,
  type X3Diagnosis,
} from './errors.js';
import {
  collectDiagnoses,
  describeDiagnoses,
  isFailure,
  isRecordMissing,
  isTransient,
} from './sdata/diagnoses.js';

/** How X3 answered one exchange: an X3Response, or a typed error. */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface X3Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  diagnoses: X3Diagnosis[];
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** Marks an error that one more attempt of the same read may cure. */
const RETRYABLE = Symbol('x3.retryable');

type Retryable = X3Error & { [RETRYABLE]?: true };

export function markRetryable<E extends X3Error>(error: E): E {
  Object.defineProperty(error, RETRYABLE, { value: true, enumerable: false });
  return error;
}

export function isRetryable(error: unknown): boolean {
  return error instanceof X3Error && (error as Retryable)[RETRYABLE] === true;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function retryAfterOf(answer: RawAnswer, now: number): { retryAfterMs?: number } {
  const ms = parseRetryAfter(answer.headers['retry-after'], now);
  return ms === undefined ? {} : { retryAfterMs: ms };
}

export function parseBody(answer: RawAnswer, method: HttpMethod, url: URL, mustBeJson: boolean): unknown {
  if (answer.text.length === 0 || /^\s*$/.test(answer.text)) return undefined;
  try {
    return JSON.parse(answer.text) as unknown;
  } catch (cause) {
    if (!mustBeJson) return undefined;
    throw new X3ProtocolError(`X3 answered ${answer.status} with a body that is not JSON.`, {
      method,
      url: url.href,
      status: answer.status,
      cause,
    });
  }
}

export interface OutcomeContext {
  folder: string;
  now: number;
}

/**
 * Reads an X3 answer: 2xx without failing diagnoses is the response; anything else becomes the
 * matching typed error. Reads that may succeed on another attempt are marked retryable. For
 * writes, only answers that prove X3 turned the call away unprocessed are plain failures.
 */
export function interpretAnswer(
  ctx: OutcomeContext,
  method: HttpMethod,
  url: URL,
  answer: RawAnswer,
  kind: 'read' | 'write',
): X3Response {
  const { status } = answer;
  const body = parseBody(answer, method, url, status < 300);
  const diagnoses = collectDiagnoses(body);
  const details = { method, url: url.href, status };
  const said = describeDiagnoses(diagnoses);
  const suffix = said ? `: ${said}` : '.';
  const failing = diagnoses.filter(isFailure);

  if (status >= 200 && status < 300) {
    if (failing.some(isRecordMissing)) throw new X3NotFoundError(`X3 has no such record${suffix}`, details);
    if (failing.length > 0) throw new X3RejectedError(`X3 refused the request${suffix}`, diagnoses, details);
    return { status, headers: answer.headers, body, diagnoses };
  }
  if (status === 401) {
    throw new X3AuthError(
      `X3 refused the credentials (401)${suffix} Check the connection's credentials and that the user may use web services.`,
      details,
    );
  }
  if (status === 403) {
    throw new X3PermissionError(`The X3 user has no rights for this operation (403)${suffix}`, details);
  }
  if (status === 404) {
    if (diagnoses.some((d) => /folder|endpoint|dossier/i.test(d.message))) {
      throw new X3FolderNotFoundError(ctx.folder, `X3 has no folder "${ctx.folder}"${suffix}`, details);
    }
    throw new X3NotFoundError(`X3 has no such record or class${suffix}`, details);
  }
  const transient = diagnoses.some(isTransient);
  if (RETRY_STATUSES.has(status) || transient || status >= 500) {
    const extra = { ...details, ...retryAfterOf(answer, ctx.now), diagnoses };
    if (kind === 'read') {
      throw markRetryable(new X3UnavailableError(`X3 is busy or failing (${status})${suffix}`, extra));
    }
    // A gateway error or crash may come after the commit, whatever diagnosis rides along.
    // Otherwise 429, 503, 408 and transient diagnoses mean X3 turned the call away unprocessed.
    const ambiguous = status === 500 || status === 502 || status >= 504;
    if (!ambiguous) {
      throw new X3UnavailableError(
        `X3 turned the ${method} away (${status})${suffix} Nothing was saved.`,
        extra,
      );
    }
    throw new X3OutcomeUncertainError(
      `X3 answered ${status} to the ${method}; it may or may not have saved it. Look the document up before trying again.`,
      details,
    );
  }
  if (failing.some(isRecordMissing)) throw new X3NotFoundError(`X3 has no such record${suffix}`, details);
  throw new X3RejectedError(`X3 refused the request (${status})${suffix}`, diagnoses, details);
}
