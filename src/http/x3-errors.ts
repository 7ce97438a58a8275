import { X3Error, type X3ErrorCode } from '../x3/errors.js';
import { ApiError, type ErrorCode } from './errors.js';

export interface X3ErrorMapping {
  /**
   * The X3 credentials, host or folder came in this very request (the connection wizard, a
   * credentials change): refusals are the caller's to fix, so 422 instead of 502.
   */
  inputFromRequest?: boolean;
}

// Status when the connection is stored (X3 misbehaving is a bad gateway) and when the
// caller just typed the details in (their input is wrong: 422).
const STATUS: Record<X3ErrorCode, { stored: number; input: number; code: ErrorCode }> = {
  x3_unreachable: { stored: 502, input: 422, code: 'x3_unreachable' },
  x3_auth_failed: { stored: 502, input: 422, code: 'x3_auth_failed' },
  x3_folder_not_found: { stored: 502, input: 422, code: 'x3_folder_not_found' },
  x3_permission_denied: { stored: 502, input: 422, code: 'x3_permission_denied' },
  not_found: { stored: 404, input: 404, code: 'not_found' },
  x3_rejected: { stored: 422, input: 422, code: 'x3_rejected' },
  x3_unavailable: { stored: 503, input: 503, code: 'x3_unavailable' },
  outcome_uncertain: { stored: 504, input: 504, code: 'outcome_uncertain' },
  invalid_input: { stored: 400, input: 400, code: 'invalid_input' },
};

/**
 * Maps the X3 client's typed errors to API errors; null for anything else. X3's diagnoses go
 * in `details.diagnoses`; the URL X3 was called at stays in the logs, not in the answer.
 */
export function x3ErrorToApiError(err: unknown, mapping: X3ErrorMapping = {}): ApiError | null {
  if (!(err instanceof X3Error)) return null;
  const entry = STATUS[err.code];
  if (!entry) return null;
  const details: Record<string, unknown> = {};
  if (err.status !== undefined) details.x3Status = err.status;
  const withDiagnoses = err as X3Error & { diagnoses?: unknown[]; issues?: string[]; retryAfterMs?: number };
  if (Array.isArray(withDiagnoses.diagnoses) && withDiagnoses.diagnoses.length > 0) {
    details.diagnoses = withDiagnoses.diagnoses;
  }
  if (Array.isArray(withDiagnoses.issues) && withDiagnoses.issues.length > 0)
    details.issues = withDiagnoses.issues;
  const headers: Record<string, string> = {};
  if (typeof withDiagnoses.retryAfterMs === 'number') {
    const seconds = Math.max(1, Math.ceil(withDiagnoses.retryAfterMs / 1000));
    headers['retry-after'] = String(seconds);
    details.retryAfterSeconds = seconds;
  }
  return new ApiError(
    mapping.inputFromRequest ? entry.input : entry.stored,
    entry.code,
    err.message,
    Object.keys(details).length > 0 ? details : undefined,
    { cause: err, headers },
  );
}
