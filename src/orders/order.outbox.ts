import type { AttemptOutcome, QuoteError, QuoteStatus } from './order.js';

/**
 * The outbox row's life: `pending` (due at next_attempt_at) → `sending` (leased by one worker while
 * the create is in flight) → `done` | `failed`, or back to `pending` with a later due time.
 * Pure decisions live here so the rules can be tested without X3 or a database.
 */
export type OutboxState = 'pending' | 'sending' | 'done' | 'failed';

export interface RetryPolicy {
  /** Sends allowed before giving up; after that one last lookup decides. */
  maxSends: number;
  /**
   * Attempts (sends and lookups alike) and age after which a quote that never got through is
   * failed with `order.failed`: a lookup that keeps failing or a connection that cannot open
   * must not keep a quote pending for ever.
   */
  maxAttempts: number;
  maxAgeMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * After an uncertain outcome, how long to wait before looking the order up: X3 may still be
   * working on the request that timed out, and a lookup that comes too early would miss it.
   */
  settleMs: number;
  /**
   * The shortest lease a worker takes on a quote while its attempt runs; the lease actually
   * taken covers the worst case of one create on the connection (see `attemptLeaseMs`), and is
   * renewed while the call runs, so only a dead worker's lease lapses.
   */
  leaseMs: number;
  /** How long a create may wait for one of the connection's create slots before the attempt gives up, unsent. */
  queueWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxSends: 12,
  maxAttempts: 50,
  maxAgeMs: 24 * 3_600_000,
  baseDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  settleMs: 60_000,
  leaseMs: 180_000,
  queueWaitMs: 60_000,
};

/** The X3 client's own defaults, for connections whose settings name no timeout. */
export const X3_DEFAULT_WRITE_TIMEOUT_MS = 120_000;
const X3_TOKEN_TIMEOUT_MS = 30_000;
const LEASE_MARGIN_MS = 30_000;

/**
 * A lease strictly longer than one attempt can take: the wait for a create slot, a token mint,
 * the create itself, and once more both for the one replay after a 401, plus a margin.
 */
export function attemptLeaseMs(policy: RetryPolicy, writeTimeoutMs = X3_DEFAULT_WRITE_TIMEOUT_MS): number {
  const worst = policy.queueWaitMs + 2 * (X3_TOKEN_TIMEOUT_MS + writeTimeoutMs) + LEASE_MARGIN_MS;
  return Math.max(policy.leaseMs, worst);
}

/** What the next attempt must do, given the attempts so far. */
export function planAttempt(
  sendsSoFar: number,
  _previousOutcome: AttemptOutcome | null,
  policy: RetryPolicy,
): { lookupFirst: boolean; maySend: boolean } {
  // Every attempt looks the order up by its customer reference before sending: after a send,
  // because any send may have landed (even a 503 can come from a gateway after X3 committed);
  // before the first, because X3 may already hold the quote id on an unrelated order, and a
  // second order under that reference would make every later lookup ambiguous.
  return { lookupFirst: true, maySend: sendsSoFar < policy.maxSends };
}

export interface AttemptResult {
  outcome: Exclude<AttemptOutcome, 'in_flight'>;
  orderNumber?: string | null;
  error?: QuoteError | null;
  retryAfterMs?: number | null;
}

export interface Decision {
  quoteStatus: QuoteStatus;
  outbox: OutboxState;
  nextAttemptAt: Date | null;
  event: 'order.created' | 'order.failed' | null;
  /** Replaces the attempt's error as the quote's last error (when the quote is given up). */
  error?: QuoteError;
}

/** The wait before the next attempt, growing with every attempt made (sent or not). */
export function backoffMs(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  // Jitter keeps many quotes that failed together from retrying together.
  return Math.round(exp * (0.75 + 0.25 * random()));
}

/** Where the quote goes after an attempt. */
export function decideAfterAttempt(
  result: AttemptResult,
  ctx: {
    sends: number;
    /** Attempts made so far, this one included. */
    attempts?: number;
    /** How long ago the quote was first stored. */
    ageMs?: number;
    now: Date;
    policy: RetryPolicy;
    random?: () => number;
    lookupOnly: boolean;
  },
): Decision {
  switch (result.outcome) {
    case 'created':
    case 'adopted':
      return { quoteStatus: 'created', outbox: 'done', nextAttemptAt: null, event: 'order.created' };
    case 'rejected':
    case 'conflict':
      return { quoteStatus: 'failed', outbox: 'failed', nextAttemptAt: null, event: 'order.failed' };
    case 'not_found':
      // Only a lookup-only attempt (sends exhausted) ends here: X3 never got the order.
      if (ctx.lookupOnly)
        return { quoteStatus: 'failed', outbox: 'failed', nextAttemptAt: null, event: 'order.failed' };
      break;
    case 'unavailable':
    case 'uncertain':
      break;
  }
  const attempts = ctx.attempts ?? ctx.sends;
  if (attempts >= ctx.policy.maxAttempts || (ctx.ageMs ?? 0) >= ctx.policy.maxAgeMs) {
    return {
      quoteStatus: 'failed',
      outbox: 'failed',
      nextAttemptAt: null,
      event: 'order.failed',
      error: givenUpError(attempts, ctx.sends, result.error ?? null),
    };
  }
  let delay = backoffMs(attempts, ctx.policy, ctx.random);
  if (result.retryAfterMs) delay = Math.max(delay, result.retryAfterMs);
  if (result.outcome === 'uncertain') delay = Math.max(delay, ctx.policy.settleMs);
  return {
    quoteStatus: 'pending',
    outbox: 'pending',
    nextAttemptAt: new Date(ctx.now.getTime() + delay),
    event: null,
  };
}

/** Why a quote was given up after its attempts ran out; says whether X3 may still hold the order. */
function givenUpError(attempts: number, sends: number, last: QuoteError | null): QuoteError {
  const mayExist =
    sends > 0
      ? ' A create was sent and its outcome could not be confirmed: look in X3 for the order with this quote id as customer reference before accepting the quote again.'
      : ' No create reached X3.';
  return {
    code: 'x3_unavailable',
    message: `X3 could not take the order after ${attempts} attempts; x3bridge stopped trying.${mayExist}`,
    details: { attempts, sends, lastError: last },
  };
}

/** How a failure of the X3 create is filed; anything unrecognised is treated as possibly landed. */
export function classifyX3Failure(err: unknown): {
  outcome: 'rejected' | 'unavailable' | 'uncertain';
  error: QuoteError;
  retryAfterMs: number | null;
} {
  const e = err as {
    code?: unknown;
    message?: unknown;
    diagnoses?: unknown;
    retryAfterMs?: unknown;
    retryAfter?: unknown;
  };
  const code = typeof e?.code === 'string' ? e.code : 'outcome_uncertain';
  const message = typeof e?.message === 'string' && e.message ? e.message : 'the X3 call failed';
  const retryAfterMs =
    typeof e?.retryAfterMs === 'number'
      ? e.retryAfterMs
      : typeof e?.retryAfter === 'number'
        ? e.retryAfter * 1000
        : null;
  switch (code) {
    case 'x3_rejected':
    case 'invalid_input':
      return {
        outcome: 'rejected',
        error: { code, message, details: { diagnoses: e.diagnoses ?? [] } },
        retryAfterMs,
      };
    case 'x3_unavailable':
    case 'x3_unreachable':
    case 'x3_auth_failed':
    case 'x3_folder_not_found':
    case 'x3_permission_denied':
      // X3 answered (or was never reached) without taking the order; credentials or settings
      // may be fixed later, so these are retried rather than failed.
      return { outcome: 'unavailable', error: { code, message }, retryAfterMs };
    default:
      return { outcome: 'uncertain', error: { code: 'outcome_uncertain', message }, retryAfterMs };
  }
}
