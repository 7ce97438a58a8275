import { createHash } from 'node:crypto';
import type { DbExecutor } from '../db/index.js';
import { ApiError } from '../http/errors.js';

/** The answer a write gave, as it is stored and replayed. */
export interface StoredAnswer {
  statusCode: number;
  body: unknown;
}

export type Claim =
  /** `takenOver`: a claim left by a request that never finished; the write may have happened. */
  | { kind: 'claimed'; takenOver: boolean; claimedAt: Date }
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

/**
 * Claims the key before anything reaches X3: the primary key makes two concurrent requests
 * with one key race in the database, not in X3, and only the winner sends the write.
 */
export async function claimKey(
  db: DbExecutor,
  environmentId: string,
  scope: string,
  key: string,
  hash: string,
  staleAfterMs = 5 * 60_000,
): Promise<Claim> {
  const inserted = await db
    .insertInto('idempotency_records')
    .values({ environment_id: environmentId, scope, key, request_hash: hash })
    .onConflict((oc) => oc.doNothing())
    .returning('created_at')
    .executeTakeFirst();
  if (inserted) return { kind: 'claimed', takenOver: false, claimedAt: inserted.created_at };
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
    if (Date.now() - existing.created_at.getTime() < staleAfterMs) return { kind: 'in_progress' };
    // The claimant died (or hung past every timeout): one caller takes the claim over.
    const taken = await db
      .updateTable('idempotency_records')
      .set({ created_at: new Date() })
      .where('environment_id', '=', environmentId)
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('status_code', 'is', null)
      .where('created_at', '=', existing.created_at)
      .returning('key')
      .executeTakeFirst();
    // The first claimant's time: an order it made is as old as that, not as this takeover.
    return taken
      ? { kind: 'claimed', takenOver: true, claimedAt: existing.created_at }
      : { kind: 'in_progress' };
  }
  const body = typeof existing.response === 'string' ? JSON.parse(existing.response) : existing.response;
  return {
    kind: 'replay',
    answer: { statusCode: existing.status_code, body },
    claimedAt: existing.created_at,
  };
}

export async function storeAnswer(
  db: DbExecutor,
  environmentId: string,
  scope: string,
  key: string,
  answer: StoredAnswer,
): Promise<void> {
  await db
    .updateTable('idempotency_records')
    .set({ status_code: answer.statusCode, response: JSON.stringify(answer.body) })
    .where('environment_id', '=', environmentId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

/** Gives the key back when the write certainly did not happen, so a retry may try again. */
export async function releaseKey(
  db: DbExecutor,
  environmentId: string,
  scope: string,
  key: string,
): Promise<void> {
  await db
    .deleteFrom('idempotency_records')
    .where('environment_id', '=', environmentId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('status_code', 'is', null)
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
