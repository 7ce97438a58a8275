import { sql } from 'kysely';
import type { DbExecutor } from '../db/index.js';
import { newId } from '../db/index.js';
import type { AcceptQuoteBody, AttemptOutcome, OrderDraft, QuoteError, QuoteStatus } from './order.js';
import type { OutboxState } from './order.outbox.js';

export interface QuoteKey {
  connectionId: string;
  quoteId: string;
}

/**
 * Quotes with the outbox's next attempt time: only a pending quote has one (a quote being sent
 * or finished will not be tried again on a schedule).
 */
function quotesWithNextAttempt(db: DbExecutor) {
  return db
    .selectFrom('quotes')
    .leftJoin('order_outbox as o', (j) =>
      j.onRef('o.connection_id', '=', 'quotes.connection_id').onRef('o.quote_id', '=', 'quotes.quote_id'),
    )
    .selectAll('quotes')
    .select(sql<Date | null>`case when o.state = 'pending' then o.next_attempt_at end`.as('next_attempt_at'));
}

export async function findQuote(db: DbExecutor, key: QuoteKey) {
  return quotesWithNextAttempt(db)
    .where('quotes.connection_id', '=', key.connectionId)
    .where('quotes.quote_id', '=', key.quoteId)
    .executeTakeFirst();
}
export type QuoteRow = NonNullable<Awaited<ReturnType<typeof findQuote>>>;

/** Inserts the quote and its outbox row; returns false when the quote id was already taken. */
export async function insertQuoteWithOutbox(
  db: DbExecutor,
  q: {
    environmentId: string;
    key: QuoteKey;
    requestHash: string;
    request: AcceptQuoteBody;
    draft: OrderDraft;
    now: Date;
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto('quotes')
    .values({
      connection_id: q.key.connectionId,
      quote_id: q.key.quoteId,
      environment_id: q.environmentId,
      request_hash: q.requestHash,
      request: JSON.stringify(q.request),
      draft: JSON.stringify(q.draft),
      status: 'pending',
      created_at: q.now,
      updated_at: q.now,
    })
    .onConflict((oc) => oc.columns(['connection_id', 'quote_id']).doNothing())
    .returning('quote_id')
    .executeTakeFirst();
  if (!inserted) return false;
  await db
    .insertInto('order_outbox')
    .values({
      connection_id: q.key.connectionId,
      quote_id: q.key.quoteId,
      environment_id: q.environmentId,
      state: 'pending',
      next_attempt_at: q.now,
      created_at: q.now,
      updated_at: q.now,
    })
    .execute();
  return true;
}

/** Locks the outbox row until the transaction ends: the one point where senders of a quote queue up. */
export async function lockOutbox(db: DbExecutor, key: QuoteKey) {
  return db
    .selectFrom('order_outbox')
    .selectAll()
    .where('connection_id', '=', key.connectionId)
    .where('quote_id', '=', key.quoteId)
    .forUpdate()
    .executeTakeFirst();
}

export async function lastAttempt(db: DbExecutor, key: QuoteKey) {
  return db
    .selectFrom('order_attempts')
    .selectAll()
    .where('connection_id', '=', key.connectionId)
    .where('quote_id', '=', key.quoteId)
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function listAttempts(db: DbExecutor, key: QuoteKey) {
  return db
    .selectFrom('order_attempts')
    .selectAll()
    .where('connection_id', '=', key.connectionId)
    .where('quote_id', '=', key.quoteId)
    .orderBy('number', 'asc')
    .execute();
}

export async function insertAttempt(
  db: DbExecutor,
  key: QuoteKey,
  a: { number: number; lookup: boolean; startedAt: Date },
): Promise<string> {
  const id = newId('att');
  await db
    .insertInto('order_attempts')
    .values({
      id,
      connection_id: key.connectionId,
      quote_id: key.quoteId,
      number: a.number,
      lookup: a.lookup,
      started_at: a.startedAt,
      outcome: 'in_flight',
    })
    .execute();
  return id;
}

export async function finishAttempt(
  db: DbExecutor,
  id: string,
  r: { finishedAt: Date; outcome: AttemptOutcome; orderNumber?: string | null; error?: QuoteError | null },
): Promise<void> {
  await db
    .updateTable('order_attempts')
    .set({
      finished_at: r.finishedAt,
      outcome: r.outcome,
      order_number: r.orderNumber ?? null,
      error: r.error ? JSON.stringify(r.error) : null,
    })
    .where('id', '=', id)
    .execute();
}

export async function updateQuote(
  db: DbExecutor,
  key: QuoteKey,
  set: {
    status?: QuoteStatus;
    orderNumber?: string | null;
    lastError?: QuoteError | null;
    sendsDelta?: number;
    attemptsDelta?: number;
    now: Date;
  },
): Promise<void> {
  await db
    .updateTable('quotes')
    .set((eb) => ({
      updated_at: set.now,
      ...(set.status ? { status: set.status } : {}),
      ...(set.orderNumber !== undefined ? { order_number: set.orderNumber } : {}),
      ...(set.lastError !== undefined
        ? { last_error: set.lastError ? JSON.stringify(set.lastError) : null }
        : {}),
      ...(set.sendsDelta ? { sends: eb('sends', '+', set.sendsDelta) } : {}),
      ...(set.attemptsDelta ? { attempt_count: eb('attempt_count', '+', set.attemptsDelta) } : {}),
    }))
    .where('connection_id', '=', key.connectionId)
    .where('quote_id', '=', key.quoteId)
    .execute();
}

export async function updateOutbox(
  db: DbExecutor,
  key: QuoteKey,
  set: {
    state: OutboxState;
    nextAttemptAt?: Date | null;
    leaseUntil?: Date | null;
    leaseOwner?: string | null;
    now: Date;
  },
): Promise<void> {
  await db
    .updateTable('order_outbox')
    .set({
      state: set.state,
      updated_at: set.now,
      ...(set.nextAttemptAt !== undefined ? { next_attempt_at: set.nextAttemptAt } : {}),
      ...(set.leaseUntil !== undefined ? { lease_until: set.leaseUntil } : {}),
      ...(set.leaseOwner !== undefined ? { lease_owner: set.leaseOwner } : {}),
    })
    .where('connection_id', '=', key.connectionId)
    .where('quote_id', '=', key.quoteId)
    .execute();
}

/** Quotes whose next attempt is due, or whose sender's lease has lapsed (it died mid-flight). */
export async function dueOutbox(db: DbExecutor, now: Date, limit: number) {
  return db
    .selectFrom('order_outbox')
    .select(['connection_id', 'quote_id', 'environment_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('state', '=', 'sending'), eb('lease_until', '<=', now)]),
      ]),
    )
    .orderBy(sql`coalesce(next_attempt_at, lease_until)`)
    .limit(limit)
    .execute();
}

/** The order log, newest first; the cursor is the last row's (created_at, quote_id). */
export async function listQuotes(
  db: DbExecutor,
  connectionId: string,
  opts: {
    limit: number;
    after?: { createdAt: Date; quoteId: string } | null;
    status?: QuoteStatus | undefined;
  },
) {
  let q = quotesWithNextAttempt(db).where('quotes.connection_id', '=', connectionId);
  if (opts.status) q = q.where('quotes.status', '=', opts.status);
  if (opts.after) {
    const a = opts.after;
    q = q.where(sql<boolean>`(quotes.created_at, quotes.quote_id) < (${a.createdAt}, ${a.quoteId})`);
  }
  return q
    .orderBy('quotes.created_at', 'desc')
    .orderBy('quotes.quote_id', 'desc')
    .limit(opts.limit + 1)
    .execute();
}

/** Extends a lease its holder still has; false once the lease was taken over (or the quote finished). */
export async function renewLease(
  db: DbExecutor,
  key: QuoteKey,
  owner: string,
  until: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('order_outbox')
    .set({ lease_until: until })
    .where('connection_id', '=', key.connectionId)
    .where('quote_id', '=', key.quoteId)
    .where('state', '=', 'sending')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Accepts a failed quote again: its new body, translation and hash replace the old ones, its age
 * starts over, and its outbox is due now. The attempts so far stay in the log. False when the
 * quote is no longer failed (another call reopened it first).
 */
export async function reopenFailedQuote(
  db: DbExecutor,
  q: { key: QuoteKey; requestHash: string; request: AcceptQuoteBody; draft: OrderDraft; now: Date },
): Promise<boolean> {
  const box = await lockOutbox(db, q.key);
  if (!box || box.state !== 'failed') return false;
  await db
    .updateTable('quotes')
    .set({
      request_hash: q.requestHash,
      request: JSON.stringify(q.request),
      draft: JSON.stringify(q.draft),
      status: 'pending',
      order_number: null,
      last_error: null,
      created_at: q.now,
      updated_at: q.now,
    })
    .where('connection_id', '=', q.key.connectionId)
    .where('quote_id', '=', q.key.quoteId)
    .execute();
  await updateOutbox(db, q.key, {
    state: 'pending',
    nextAttemptAt: q.now,
    leaseUntil: null,
    leaseOwner: null,
    now: q.now,
  });
  return true;
}

/** Attempts made since the quote was (last) accepted: the retry limit counts these. */
export async function countAttemptsSince(db: DbExecutor, key: QuoteKey, since: Date): Promise<number> {
  const r = await db
    .selectFrom('order_attempts')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('connection_id', '=', key.connectionId)
    .where('quote_id', '=', key.quoteId)
    .where('started_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Quotes of a connection still on their way to X3 (pending or being sent), oldest first: a
 * connection is not deleted under them, or they would vanish without `order.failed`.
 */
export async function openQuoteIds(db: DbExecutor, connectionId: string, limit = 20): Promise<string[]> {
  const rows = await db
    .selectFrom('quotes')
    .select('quote_id')
    .where('connection_id', '=', connectionId)
    .where('status', 'in', ['pending', 'sending'])
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.quote_id);
}
