import { z } from 'zod';
import type { Dispatcher } from 'undici';
import type { Clock, X3AuthOptions, X3SharedTokens } from './auth/types.js';
import { X3InvalidInputError } from './errors.js';

export interface X3Limits {
  /** Requests in flight per connection; more wait in a queue. Default 4. */
  maxConcurrent?: number;
  /** Calls allowed to wait for a slot before new ones are refused. Default unbounded. */
  maxQueue?: number;
  /** Extra attempts for a failed read. Default 3. */
  retries?: number;
  /** First backoff step; doubles per attempt, with full jitter. Default 200 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Upper bound on a `Retry-After` that is honoured. Default 30 s. */
  retryAfterCapMs?: number;
  /** Consecutive failed calls that open the circuit. Default 5. */
  breakerThreshold?: number;
  /** How long the circuit stays open before one trial call. Default 10 s. */
  breakerHalfOpenMs?: number;
  /** After a refused token request, calls fail fast for this long. Default 5 s. */
  authCooldownMs?: number;
}

export interface X3Timeouts {
  /** Per read attempt; X3 queries can be slow. Default 120 s. */
  readMs?: number;
  writeMs?: number;
  connectMs?: number;
  tokenMs?: number;
}

export type ResolvedLimits = Required<X3Limits>;
export type ResolvedTimeouts = Required<X3Timeouts>;

export interface X3RequestEvent {
  method: string;
  /** Path and query; never holds a secret. */
  url: string;
  kind: 'api' | 'token';
}

export interface X3ResponseEvent extends X3RequestEvent {
  status?: number;
  durationMs: number;
  /** Set when no HTTP answer came: `refused`, `reset`, `timeout`, … */
  error?: string;
}

/** Releases a call slot taken by `X3Hooks.acquireSlot`; called once, whatever the outcome. */
export type X3SlotRelease = () => void;

/**
 * Hooks into the client. `onRequest`/`onResponse` observe each HTTP exchange (retries and
 * replays included). `acquireSlot` and `sharedTokens` let several clients of one X3 folder
 * (in several processes, say) share the concurrency cap and the token; without them the cap
 * and the token belong to this client alone.
 */
export interface X3Hooks {
  onRequest?: (event: X3RequestEvent) => void;
  onResponse?: (event: X3ResponseEvent) => void;
  /**
   * Taken for each call once the client's own cap admits it, and released when the call ends
   * (token request and 401 replay included). May reject, typically with X3UnavailableError
   * when no slot frees up in time; the call is then not sent.
   */
  acquireSlot?: () => Promise<X3SlotRelease>;
  /** Where a client_credentials token is looked up before minting one (other auth modes mint locally). */
  sharedTokens?: X3SharedTokens;
}

/** A pino-compatible subset. */
export interface X3Logger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface X3ClientOptions {
  /** `https://x3.example.com:8124`; a path prefix before `/api1` is kept. */
  baseUrl: string;
  /** X3 folder (endpoint) code: upper-case letters, digits, `_`. */
  folder: string;
  auth: X3AuthOptions;
  limits?: X3Limits;
  timeouts?: X3Timeouts;
  /** Extra trust for X3 servers with a private or self-signed certificate (PEM). */
  tls?: { ca?: string | Buffer | Array<string | Buffer> };
  /** An undici dispatcher to use instead of the client's own keep-alive Agent (not closed by `close()`). */
  dispatcher?: Dispatcher;
  hooks?: X3Hooks;
  logger?: X3Logger;
  /** Time source for token expiry and cooldowns. */
  clock?: Clock;
  /** Random source for retry jitter. */
  random?: () => number;
}

const nonEmpty = z.string().min(1);
const authSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('client_credentials'),
    clientId: nonEmpty,
    clientSecret: nonEmpty,
    tokenUrl: z.url().optional(),
    scope: z.string().optional(),
    tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
  }),
  z.object({
    type: z.literal('connected_app'),
    clientId: nonEmpty,
    secret: nonEmpty,
    user: nonEmpty,
    audience: z.string().optional(),
    lifetimeSeconds: z.number().int().min(15).max(86_400).optional(),
  }),
  z.object({ type: z.literal('basic'), user: nonEmpty, password: nonEmpty }),
]);

const positive = z.number().int().positive();
const nonNegative = z.number().int().min(0);
const optionsSchema = z.object({
  baseUrl: z.string().refine((v) => {
    try {
      const u = new URL(v);
      return (
        (u.protocol === 'http:' || u.protocol === 'https:') &&
        u.search === '' &&
        u.username === '' &&
        u.password === ''
      );
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without query or user info'),
  folder: z.string().regex(/^[A-Z0-9_]{1,30}$/, 'must be upper-case letters, digits and _'),
  auth: authSchema,
  limits: z
    .object({
      maxConcurrent: positive.max(64),
      maxQueue: z.number().positive(),
      retries: nonNegative.max(10),
      baseDelayMs: nonNegative,
      maxDelayMs: nonNegative,
      retryAfterCapMs: nonNegative,
      breakerThreshold: positive,
      breakerHalfOpenMs: positive,
      authCooldownMs: nonNegative,
    })
    .partial()
    .optional(),
  timeouts: z
    .object({ readMs: positive, writeMs: positive, connectMs: positive, tokenMs: positive })
    .partial()
    .optional(),
});

/** Validates options up front; the message lists the wrong fields but never their values. */
export function validateOptions(options: X3ClientOptions): void {
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`);
    throw new X3InvalidInputError(`Invalid X3 client options: ${issues.join('; ')}.`, issues);
  }
}

export function resolveLimits(limits: X3Limits = {}): ResolvedLimits {
  return {
    maxConcurrent: 4,
    maxQueue: Number.POSITIVE_INFINITY,
    retries: 3,
    baseDelayMs: 200,
    maxDelayMs: 5_000,
    retryAfterCapMs: 30_000,
    breakerThreshold: 5,
    breakerHalfOpenMs: 10_000,
    authCooldownMs: 5_000,
    ...stripUndefined(limits),
  };
}

export function resolveTimeouts(timeouts: X3Timeouts = {}): ResolvedTimeouts {
  return {
    readMs: 120_000,
    writeMs: 120_000,
    connectMs: 30_000,
    tokenMs: 30_000,
    ...stripUndefined(timeouts),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
