import { EgressError } from '../egress/index.js';
import { ApiError } from '../http/errors.js';
import type { CheckStep } from './connection.js';
import type { CheckFailure } from './connection.check.js';

/** A refused X3 address as the API tells it: 422 invalid_host, the reason and the fix. */
export function egressToApiError(err: unknown): ApiError | null {
  if (!(err instanceof EgressError)) return null;
  if (err.reason === 'dns_failed') {
    return new ApiError(502, 'x3_unreachable', err.message, { reason: err.reason, fix: err.fix });
  }
  return new ApiError(422, 'invalid_host', `${err.message} ${err.fix}`, { reason: err.reason, fix: err.fix });
}

/** The wizard's refusal: 422 with the failing step, every step run so far, and the fix. */
export function checkFailureToApiError(failure: CheckFailure, checks: CheckStep[]): ApiError {
  return new ApiError(422, failure.code, failure.message, {
    ...(failure.reason ? { reason: failure.reason } : {}),
    step: failure.step,
    status: failure.status,
    fix: failure.fix,
    checks,
  });
}
