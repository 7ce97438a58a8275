import {
  BrokenCircuitError,
  BulkheadRejectedError,
  ConsecutiveBreaker,
  DelegateBackoff,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import type { Dispatcher } from 'undici';
import type { AuthStrategy, Clock } from './auth/types.js';
import {
  X3Error,
  X3OutcomeUncertainError,
  X3ProtocolError,
  X3TimeoutError,
  X3UnavailableError,
  X3UnreachableError,
  type X3Diagnosis,
} from './errors.js';
import { classifyNetworkError, type NetworkFailure } from './network.js';
import type { ResolvedLimits, ResolvedTimeouts, X3Hooks, X3Logger } from './options.js';
import { createRedactor } from './redact.js';
import { DeadlineWatch } from './deadline.js';
import {
  interpretAnswer,
  isRetryable,
  markRetryable,
  parseBody,
  retryAfterOf,
  type HttpMethod,
  type RawAnswer,
  type X3Response,
} from './outcome.js';

export { parseRetryAfter, type HttpMethod, type X3Response } from './outcome.js';

const SYRACUSE_JSON = 'application/json;vnd.sage=syracuse';
/** Deadlines shorter than this are enforced by the client's own sweeper, not by undici's. */
const PRECISE_BELOW_MS = 10_000;

/** Failures that say X3 itself is in trouble (as opposed to a refused request). */
function countsAgainstBreaker(error: Error): boolean {
  return (
    error instanceof X3UnreachableError ||
    error instanceof X3OutcomeUncertainError ||
    (error instanceof X3UnavailableError && !(error instanceof X3ProtocolError))
  );
}

export interface TransportOptions {
  folder: string;
  dispatcher: Dispatcher;
  limits: ResolvedLimits;
  timeouts: ResolvedTimeouts;
  clock: Clock;
  hooks: X3Hooks;
  logger: X3Logger | undefined;
  /** Random source for backoff jitter (injectable so tests can pin it). */
  random: () => number;
}

/**
 * Sends X3 calls: headers (folder, accept, auth), per-connection concurrency cap, retries of
 * reads, the circuit breaker, timeouts, and the mapping of every outcome to a typed error.
 */
export class Transport {
  readonly #o: TransportOptions;
  readonly #bulkhead: BulkheadPolicy;
  readonly #breaker: CircuitBreakerPolicy;
  readonly #retry: RetryPolicy;
  readonly #deadlines: DeadlineWatch;
  #auth: AuthStrategy | undefined;
  #redact: (text: string) => string = (t) => t;
  readonly #observed: boolean;

  constructor(options: TransportOptions) {
    this.#o = options;
    this.#observed =
      options.hooks.onRequest !== undefined ||
      options.hooks.onResponse !== undefined ||
      options.logger !== undefined;
    const { limits, timeouts } = options;
    const shortest = Math.min(timeouts.readMs, timeouts.writeMs, timeouts.tokenMs);
    this.#deadlines = new DeadlineWatch(Math.min(1_000, Math.max(5, Math.floor(shortest / 10))));
    this.#bulkhead = bulkhead(limits.maxConcurrent, limits.maxQueue);
    this.#breaker = circuitBreaker(handleWhen(countsAgainstBreaker), {
      halfOpenAfter: limits.breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(limits.breakerThreshold),
    });
    this.#retry = retry(handleWhen(isRetryable), {
      maxAttempts: limits.retries,
      backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => this.#backoff(context)),
    });
  }

  setAuth(auth: AuthStrategy): void {
    this.#auth = auth;
    this.#redact = createRedactor(auth.secrets());
  }

  get redact(): (text: string) => string {
    return this.#redact;
  }

  #backoff(context: IRetryBackoffContext<unknown>): number {
    const { limits } = this.#o;
    const error = 'error' in context.result ? context.result.error : undefined;
    const hinted = error instanceof X3UnavailableError ? error.retryAfterMs : undefined;
    if (hinted !== undefined) return Math.min(hinted, limits.retryAfterCapMs);
    // Full jitter: spreads the retries of many concurrent callers.
    const ceiling = Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** (context.attempt - 1));
    return Math.round(this.#o.random() * ceiling);
  }

  /** A GET, retried on 408/429/5xx, resets and transient diagnoses. */
  read(url: URL): Promise<X3Response> {
    return this.#guarded('GET', url, () => this.#retry.execute(() => this.#attempt('GET', url, undefined)));
  }

  /**
   * A POST/PUT/DELETE, never retried: after the request may have reached X3, a failure becomes
   * X3OutcomeUncertainError and the caller reconciles.
   */
  write(method: Exclude<HttpMethod, 'GET'>, url: URL, body: unknown): Promise<X3Response> {
    return this.#guarded(method, url, () => this.#attempt(method, url, JSON.stringify(body)));
  }

  /** A form POST to the token endpoint, retried on 429/5xx and resets like a read. */
  tokenPost = (
    url: URL,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; body: unknown }> =>
    this.#sanitizing(() =>
      this.#retry.execute(async () => {
        let answer: RawAnswer;
        try {
          answer = await this.#exchange('POST', url, headers, body, this.#o.timeouts.tokenMs, 'token');
        } catch (error) {
          throw this.#networkError(error as NetworkFailure, 'POST', url, 'read');
        }
        const details = { method: 'POST', url: url.href, status: answer.status };
        if (answer.status === 429 || answer.status >= 500) {
          throw markRetryable(
            new X3UnavailableError(`The token endpoint answered ${answer.status}.`, {
              ...details,
              ...retryAfterOf(answer, this.#o.clock.now()),
            }),
          );
        }
        return { status: answer.status, body: parseBody(answer, 'POST', url, answer.status < 400) };
      }),
    );

  async #guarded(method: HttpMethod, url: URL, run: () => Promise<X3Response>): Promise<X3Response> {
    try {
      return await this.#breaker.execute(run);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new X3UnavailableError(
          `Calls to X3 are paused after ${this.#o.limits.breakerThreshold} failures in a row; they resume after a short pause.`,
          { method, url: url.href, cause: error },
        );
      }
      throw this.#sanitize(error);
    }
  }

  async #sanitizing<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.#sanitize(error);
    }
  }

  /** Every X3 error leaves through here: secrets X3 echoed back are cut from its text. */
  #sanitize(error: unknown): unknown {
    if (error instanceof X3Error) {
      error.message = this.#redact(error.message);
      const diagnoses = (error as { diagnoses?: X3Diagnosis[] }).diagnoses;
      if (Array.isArray(diagnoses)) for (const d of diagnoses) d.message = this.#redact(d.message);
    }
    return error;
  }

  #attempt(method: HttpMethod, url: URL, body: string | undefined): Promise<X3Response> {
    const auth = this.#auth;
    if (auth === undefined) throw new Error('Transport used before its authentication was set.');
    const timeout = method === 'GET' ? this.#o.timeouts.readMs : this.#o.timeouts.writeMs;
    const kind = method === 'GET' ? 'read' : 'write';
    const run = async (): Promise<X3Response> => {
      const pending = auth.authorization();
      let authorization = typeof pending === 'string' ? pending : await pending;
      let answer = await this.#send(method, url, authorization, body, timeout, kind);
      // A 401 means the token was refused at the door, before any business logic ran, so one
      // replay with a fresh token is safe even for a write. Only one: a second 401 is final.
      if (answer.status === 401 && auth.rejected(authorization)) {
        authorization = await auth.authorization();
        answer = await this.#send(method, url, authorization, body, timeout, kind);
      }
      return interpretAnswer({ folder: this.#o.folder, now: this.#o.clock.now() }, method, url, answer, kind);
    };
    const acquireSlot = this.#o.hooks.acquireSlot;
    // Without the hook the call runs exactly as before: no extra promise on the hot path.
    const admitted =
      acquireSlot === undefined ? run : () => acquireSlot().then((release) => run().finally(release));
    return this.#bulkhead.execute(admitted).catch((error: unknown) => {
      if (error instanceof BulkheadRejectedError) {
        throw new X3UnavailableError('Too many X3 calls are waiting on this connection; try again shortly.', {
          method,
          url: url.href,
          cause: error,
        });
      }
      throw error;
    });
  }

  async #send(
    method: HttpMethod,
    url: URL,
    authorization: string,
    body: string | undefined,
    timeoutMs: number,
    kind: 'read' | 'write',
  ): Promise<RawAnswer> {
    const headers: Record<string, string> = {
      accept: SYRACUSE_JSON,
      'x-sage-folder': this.#o.folder,
      authorization,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.#exchange(method, url, headers, body, timeoutMs, 'api');
    } catch (error) {
      throw this.#networkError(error as NetworkFailure, method, url, kind);
    }
  }

  /** One HTTP exchange; rejects with a NetworkFailure. */
  async #exchange(
    method: HttpMethod,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
    timeoutMs: number,
    kind: 'api' | 'token',
  ): Promise<RawAnswer> {
    const started = performance.now();
    const event = this.#observed ? { method, url: url.pathname + url.search, kind } : undefined;
    if (event !== undefined) this.#o.hooks.onRequest?.(event);
    // undici's headersTimeout and bodyTimeout tick on a clock of about a second: right for the
    // usual long deadlines, at no cost per call. Short ones get a sweeper-driven abort.
    const deadline = timeoutMs < PRECISE_BELOW_MS ? this.#deadlines.start(timeoutMs) : undefined;
    try {
      const res = await this.#o.dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers,
        body: body ?? null,
        signal: deadline ?? null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await res.body.text();
      const answer = { status: res.statusCode, headers: res.headers, text };
      if (event !== undefined) {
        const durationMs = performance.now() - started;
        this.#o.hooks.onResponse?.({ ...event, status: answer.status, durationMs });
        this.#o.logger?.debug({ ...event, status: answer.status, durationMs }, 'x3 call');
      }
      return answer;
    } catch (error) {
      const failure = classifyNetworkError(error, deadline?.aborted === true);
      const durationMs = performance.now() - started;
      const failed = { method, url: url.pathname + url.search, kind, durationMs, error: failure.kind };
      this.#o.hooks.onResponse?.(failed);
      this.#o.logger?.warn(failed, 'x3 call failed');
      throw failure;
    } finally {
      if (deadline !== undefined) this.#deadlines.release(deadline);
    }
  }

  #networkError(failure: NetworkFailure, method: HttpMethod, url: URL, kind: 'read' | 'write'): X3Error {
    const details = { method, url: url.href, cause: failure.cause };
    if (failure.sent === false) {
      return new X3UnreachableError(failure.unreachableReason ?? 'network', failure.message, details);
    }
    if (kind === 'write') {
      return new X3OutcomeUncertainError(
        `The ${method} reached X3 but ${failure.kind === 'timeout' ? 'no answer came in time' : 'the connection broke before the answer'}; X3 may or may not have saved it. Look the document up before trying again.`,
        details,
      );
    }
    if (failure.kind === 'timeout') {
      return new X3TimeoutError(
        `X3 did not answer within ${method === 'GET' ? this.#o.timeouts.readMs : this.#o.timeouts.tokenMs} ms.`,
        details,
      );
    }
    return markRetryable(
      new X3UnavailableError('The connection to X3 broke before the answer came.', details),
    );
  }

  close(): Promise<void> {
    this.#deadlines.close();
    return Promise.resolve();
  }
}
