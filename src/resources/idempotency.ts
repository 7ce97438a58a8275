import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { DbExecutor } from '../db/index.js';
import { ApiError } from '../http/errors.js';
import { resolveLimits, resolveTimeouts } from '../x3/options.js';

/** The answer a write gave, as it is stored and replayed. */
export interface StoredAnswer {
  statusCode: number;
  body: unknown;
}

/** Who holds a key while its write runs: a fresh token per claim, and when it lapses. */
export interface ClaimHold {
  token: string;
  /** When the key was first claimed: the write it guards cannot have happened before. */
  claimedAt: Date;
}

export type Claim =
  /** `takenOver`: a claim left by a request that never finished; the write may have happened. */
  | ({ kind: 'claimed'; takenOver: boolean } & ClaimHold)
  | { kind: 'replay'; answer: StoredAnswer; claimedAt: Date }
  | { kind: 'in_progress' }
  | { kind: 'conflict' };

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Same body, same hash, whatever the key order. */
export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

export function requireIdempotencyKey(header: string | string[] | undefined): string {
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined || key.trim() === '') {
    throw new ApiError(
      400,
      'invalid_headers',
      'This call needs an Idempotency-Key header (any unique string, e.g. a UUID), so that a retried request cannot create a second document.',
      { fields: [{ field: 'Idempotency-Key', message: 'required' }] },
    );
  }
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError(
      400,
      'invalid_headers',
      'The Idempotency-Key header must be 1 to 255 printable ASCII characters.',
      {
        fields: [{ field: 'Idempotency-Key', message: 'invalid' }],
      },
    );
  }
  return key;
}

/** How long a create may wait for one of the connection's slots in the X3 client, at most, before it is sent. */
export const CREATE_QUEUE_ALLOWANCE_MS = 60_000;
const CLAIM_MARGIN_MS = 30_000;

/**
 * The longest one create can keep X3 busy on a connection whose per-request timeout is
 * `timeoutMs` (the X3 client's default otherwise): a wait for a slot, a token mint with its
 * retries, the POST, and once more a mint and the POST for the one replay after a 401.
 */
export function createWorstCaseMs(settings: { timeoutMs?: number | undefined }): number {
  const t = resolveTimeouts(settings.timeoutMs === undefined ? {} : { writeMs: settings.timeoutMs });
  const l = resolveLimits();
  const mint =
    (l.retries + 1) * (t.connectMs + t.tokenMs) + l.retries * Math.max(l.maxDelayMs, l.retryAfterCapMs);
  const post = t.connectMs + t.writeMs;
  return CREATE_QUEUE_ALLOWANCE_MS + 2 * (mint + post);
}

/**
 * How long a claim holds without renewal: strictly longer than the worst case of one create on
 * the connection, so a claim is taken over only when its holder is gone (a live holder renews
 * it while its create runs, however long the client's queue makes it wait).
 */
export function claimWindowMs(settings: { timeoutMs?: number | undefined }): number {
  return createWorstCaseMs(settings) + CLAIM_MARGIN_MS;
}

/** What an in-progress row keeps in its `response` column until the answer replaces it. */
const pendingSchema = z.object({ claim: z.object({ token: z.string(), until: z.iso.datetime() }) });

function pendingJson(token: string, windowMs: number): string {
  return JSON.stringify({ claim: { token, until: new Date(Date.now() + windowMs).toISOString() } });
}

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** The claim of an in-progress row; rows written before claims had tokens lapse `windowMs` after creation. */
function pendingOf(
  response: unknown,
  createdAt: Date,
  windowMs: number,
): { token: string | null; until: number } {
  const parsed = pendingSchema.safeParse(parseJson(response));
  if (parsed.success) return { token: parsed.data.claim.token, until: Date.parse(parsed.data.claim.until) };
  return { token: null, until: createdAt.getTime() + windowMs };
}

const claimToken = sql<string>`response->'claim'->>'token'`;

/**
 * Claims the key before anything reaches X3: the primary key makes two concurrent requests
 * with one key race in the database, not in X3, and only the winner sends the write. The
 * claim lapses `windowMs` after it was taken or last renewed (see `claimWindowMs`); only then
 * may another request take it over.
 */
export async function claimKey(
  db: DbExecutor,
  environmentId: string,
  scope: string,
  key: string,
  hash: string,
  windowMs: number,
): Promise<Claim> {
  const token = randomUUID();
  const inserted = await db
    .insertInto('idempotency_records')
    .values({
      environment_id: environmentId,
      scope,
      key,
      request_hash: hash,
      response: pendingJson(token, windowMs),
    })
    .onConflict((oc) => oc.doNothing())
    .returning('created_at')
    .executeTakeFirst();
  if (inserted) return { kind: 'claimed', takenOver: false, token, claimedAt: inserted.created_at };
  const existing = await db
    .selectFrom('idempotency_records')
    .select(['request_hash', 'status_code', 'response', 'created_at'])
    .where('environment_id', '=', environmentId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
  // Released between our insert and this read: the caller may simply retry.
  if (!existing) return { kind: 'in_progress' };
  if (existing.request_hash !== hash) return { kind: 'conflict' };
  if (existing.status_code === null) {
    const held = pendingOf(existing.response, existing.created_at, windowMs);
    if (Date.now() < held.until) return { kind: 'in_progress' };
    // The claimant died (or hung past every timeout and stopped renewing): one caller takes
    // the claim over, and the old claimant can no longer record anything under it.
    let takeover = db
      .updateTable('idempotency_records')
      .set({ response: pendingJson(token, windowMs) })
      .where('environment_id', '=', environmentId)
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('status_code', 'is', null);
    takeover =
      held.token === null
        ? takeover.where('response', 'is', null)
        : takeover.where(claimToken, '=', held.token);
    const taken = await takeover.returning('key').executeTakeFirst();
    return taken
      ? { kind: 'claimed', takenOver: true, token, claimedAt: existing.created_at }
      : { kind: 'in_progress' };
  }
  return {
    kind: 'replay',
    answer: { statusCode: existing.status_code, body: parseJson(existing.response) },
    claimedAt: existing.created_at,
  };
}

/** Takes a stored 504 back to "in progress" under a new claim; only one concurrent replay wins. */
export async function reopenUncertain(
  db: DbExecutor,
  environmentId: string,
  scope: string,
  key: string,
  windowMs: number,
): Promise<string | null> {
  const token = randomUUID();
  const row = await db
    .updateTable('idempotency_records')
    .set({ status_code: null, response: pendingJson(token, windowMs) })
    .where('environment_id', '=', environmentId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('status_code', '=', 504)
    .returning('key')
    .executeTakeFirst();
  return row ? token : null;
}

/** Pushes the claim's lapse time out while its write still runs; false once it was taken over. */
export async function renewClaim(
  db: DbExecutor,
  environmentId: string,
  scope: string,
  key: string,
  token: string,
  windowMs: number,
): Promise<boolean> {
  return updateHeldClaim(db, environmentId, scope, key, token, { response: pendingJson(token, windowMs) });
}

/**
 * Records the answer, only while `token` still holds the claim: a request whose claim was
 * taken over cannot overwrite what the newer claimant found. False when it no longer held it.
 */
export async function storeAnswer(
  db: DbExecutor,
  environmentId: string,
  scope: string,
  key: string,
  token: string,
  answer: StoredAnswer,
): Promise<boolean> {
  return updateHeldClaim(db, environmentId, scope, key, token, {
    status_code: answer.statusCode,
    response: JSON.stringify(answer.body),
  });
}

/** Updates the record only while `token` still holds its claim; false when it no longer did. */
async function updateHeldClaim(
  db: DbExecutor,
  environmentId: string,
  scope: string,
  key: string,
  token: string,
  set: { response: string; status_code?: number },
): Promise<boolean> {
  const row = await db
    .updateTable('idempotency_records')
    .set(set)
    .where('environment_id', '=', environmentId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('status_code', 'is', null)
    .where(claimToken, '=', token)
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

/** Gives the key back when the write certainly did not happen, so a retry may try again. */
export async function releaseKey(
  db: DbExecutor,
  environmentId: string,
  scope: string,
  key: string,
  token: string,
): Promise<void> {
  await db
    .deleteFrom('idempotency_records')
    .where('environment_id', '=', environmentId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('status_code', 'is', null)
    .where(claimToken, '=', token)
    .execute();
}

export function idempotencyConflict(): ApiError {
  return new ApiError(
    409,
    'idempotency_conflict',
    'This Idempotency-Key was already used with a different request body. Use a new key for a new request.',
  );
}

export function stillInProgress(): ApiError {
  return new ApiError(
    409,
    'conflict',
    'A request with this Idempotency-Key is still being processed. Retry in a moment to get its answer.',
    undefined,
    { headers: { 'retry-after': '1' } },
  );
}
