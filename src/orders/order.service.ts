import type { Logger } from 'pino';
import type PgBoss from 'pg-boss';
import type { Db } from '../db/index.js';
import { ApiError } from '../http/errors.js';
import { lookupMappings } from '../mappings/mapping.repository.js';
import { customerProblem, itemProblem } from '../mappings/mapping.service.js';
import { emitEvent, kickWebhookDelivery } from '../webhooks/webhook.service.js';
import {
  QUOTE_ID_MAX,
  type AcceptQuoteBody,
  type AcceptQuoteResponse,
  type OrderDraft,
  type QuoteError,
  type QuoteProblem,
} from './order.js';
import { formatAttempt, formatQuote } from './order.formatter.js';
import { CreateGate } from './order.gate.js';
import {
  attemptLeaseMs,
  classifyX3Failure,
  decideAfterAttempt,
  defaultRetryPolicy,
  planAttempt,
  type AttemptResult,
  type RetryPolicy,
} from './order.outbox.js';
import {
  dueOutbox,
  finishAttempt,
  findQuote,
  insertAttempt,
  countAttemptsSince,
  insertQuoteWithOutbox,
  lastAttempt,
  reopenFailedQuote,
  listAttempts,
  listQuotes as listQuoteRows,
  lockOutbox,
  renewLease,
  updateOutbox,
  updateQuote,
  type QuoteKey,
  type QuoteRow,
} from './order.repository.js';
import { checkQuoteInput, quoteIdProblem, requestHash, todayUtc, translateQuote } from './order.translate.js';
import { isX3NotFound, isX3Unavailable, mapLimit, type OrdersX3 } from './order.x3.js';
import { conflictMessage, reconcile, type Reconciliation } from './order.match.js';

export const ORDER_ATTEMPT_QUEUE = 'orders.attempt';
export const ORDER_SWEEP_QUEUE = 'orders.sweep';

/** Where the order code gets a connection and its X3 client (ConnectionClients satisfies it). */
export interface OrderConnectionSource {
  get(
    environmentId: string,
    connectionId: string,
  ): Promise<{
    connection: {
      id: string;
      settings?: { timeoutMs?: number | undefined; concurrency?: number | undefined };
    };
    client: OrdersX3;
  }>;
}

export interface OrderDeps {
  db: Db;
  connections: OrderConnectionSource;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  jobs?: { boss: PgBoss } | null;
  policy?: RetryPolicy;
  clock?: () => Date;
  /** Names this process in outbox leases, so a lapsed lease can be told from a live one. */
  workerId?: string;
  /** How long a valid X3 item, customer or site is trusted before being read again. */
  checkCacheMs?: number;
  /**
   * Called after X3 answered a create and before the answer is recorded. Tests use it to stop a
   * process at the worst moment; nothing else should.
   */
  afterSend?: (key: QuoteKey) => Promise<void>;
}

export interface AcceptResult {
  statusCode: 200 | 201 | 202;
  body: AcceptQuoteResponse;
}

const inFlight = new WeakMap<OrderDeps, Map<string, Promise<QuoteRow | undefined>>>();
const checkCache = new WeakMap<OrderDeps, Map<string, number>>();

/**
 * One text per quote, also used in pg-boss singleton keys, which Postgres stores as text: a
 * space separates the parts because neither a connection id nor a quote id may hold one.
 */
function keyString(k: QuoteKey): string {
  return `${k.connectionId} ${k.quoteId}`;
}

function nowOf(deps: OrderDeps): Date {
  return deps.clock ? deps.clock() : new Date();
}

/**
 * Accepts a quote: validates it, translates its codes, stores it with its outbox row in one
 * transaction, then tries the X3 create at once. Calling it again with the same quote id and
 * body replays the first answer; another body is a conflict, except for a failed quote, which
 * a corrected body (or, after anything but X3's refusal, the same body) accepts again.
 */
export async function acceptQuote(
  deps: OrderDeps,
  input: { environmentId: string; connectionId: string; quoteId: string; body: AcceptQuoteBody },
): Promise<AcceptResult> {
  const idProblem = quoteIdProblem(input.quoteId, QUOTE_ID_MAX);
  if (idProblem) throw new ApiError(400, 'invalid_params', idProblem, { field: 'quoteId' });
  const client = await reachableClient(deps, input.environmentId, input.connectionId);
  const key: QuoteKey = { connectionId: input.connectionId, quoteId: input.quoteId };
  const hash = requestHash(input.body);

  const existing = await findQuote(deps.db, key);
  if (existing && !mayAcceptAgain(existing, hash)) return replay(deps, existing, hash);

  const now = nowOf(deps);
  const draft = await prepareDraft(deps, key, input.body, client, now);
  const stored = {
    environmentId: input.environmentId,
    key,
    requestHash: hash,
    request: input.body,
    draft,
    now,
  };
  if (existing) {
    const reopened = await deps.db.transaction().execute((tx) => reopenFailedQuote(tx, stored));
    if (!reopened) {
      // Another call reopened (or replaced) it first.
      return replay(deps, (await findQuote(deps.db, key))!, hash);
    }
  } else {
    const inserted = await deps.db.transaction().execute((tx) => insertQuoteWithOutbox(tx, stored));
    if (!inserted) {
      // Another call with this quote id won the insert; answer as its replay.
      const winner = await findQuote(deps.db, key);
      if (!winner) throw new ApiError(500, 'server_error', 'The quote vanished while it was being accepted');
      return replay(deps, winner, hash);
    }
  }
  const after = await attemptQuote(deps, key, { environmentId: input.environmentId });
  return answer(after ?? (await findQuote(deps.db, key))!, false);
}

/**
 * The connection's X3 client, or null when X3 cannot be reached right now (its host does not
 * resolve, X3 is down): the quote is then stored unchecked and answered 202, as the contract
 * says. A missing connection, a refused host and anything else still fail the call.
 */
async function reachableClient(deps: OrderDeps, environmentId: string, connectionId: string) {
  try {
    return (await deps.connections.get(environmentId, connectionId)).client;
  } catch (err) {
    if (isX3Unavailable(err)) return null;
    throw err;
  }
}

/**
 * A failed quote may be accepted again: with a corrected body, or with the same body unless
 * X3 itself refused that very order (then the same refusal is replayed).
 */
function mayAcceptAgain(row: QuoteRow, hash: string): boolean {
  if (row.status !== 'failed') return false;
  if (row.request_hash !== hash) return true;
  const code = row.last_error?.code;
  return code !== 'x3_rejected' && code !== 'invalid_input';
}

/** Checks and translates a quote; throws the 422 that lists every problem. */
async function prepareDraft(
  deps: OrderDeps,
  key: QuoteKey,
  body: AcceptQuoteBody,
  client: OrdersX3 | null,
  now: Date,
): Promise<OrderDraft> {
  const problems = checkQuoteInput(body, todayUtc(now));
  const maps = await lookupMappings(
    deps.db,
    key.connectionId,
    [...new Set(body.lines.map((l) => l.productCode))],
    [body.customerAccount],
  );
  const translation = translateQuote(key.quoteId, body, maps);
  if (!translation.ok) {
    const { productCodes, customerAccounts } = translation.unmapped;
    const parts = [
      productCodes.length ? `product code(s) ${productCodes.join(', ')}` : '',
      customerAccounts.length ? `customer account ${customerAccounts.join(', ')}` : '',
    ].filter(Boolean);
    throw new ApiError(422, 'unmapped_codes', `No X3 code is mapped for ${parts.join(' and ')}`, {
      productCodes,
      customerAccounts,
      ...(problems.length ? { problems } : {}),
    });
  }
  if (client) {
    if (!translation.draft.salesSite) {
      translation.draft.salesSite = await defaultSalesSite(client).catch(() => null);
    }
    problems.push(...(await checkAgainstX3(deps, key.connectionId, client, translation.draft)));
  }
  if (problems.length > 0) {
    throw new ApiError(
      422,
      'invalid_input',
      `The quote cannot become an order: ${problems.map((p) => p.message).join('; ')}`,
      { problems },
    );
  }
  return translation.draft;
}

async function replay(deps: OrderDeps, row: QuoteRow, hash: string): Promise<AcceptResult> {
  if (row.request_hash !== hash) {
    throw new ApiError(
      409,
      'idempotency_conflict',
      `Quote ${row.quote_id} was already accepted with different contents; use a new quote id for a changed quote`,
      { quoteId: row.quote_id },
    );
  }
  let current = row;
  if (row.status === 'pending' || row.status === 'sending') {
    // Join an attempt running in this process, or make one if it is due: a repeated accept
    // must not wait for the retry job when X3 is back.
    const key = { connectionId: row.connection_id, quoteId: row.quote_id };
    current = (await attemptQuote(deps, key, { environmentId: row.environment_id })) ?? row;
  }
  return answer(current, true);
}

/** The HTTP status a failed quote answers with: the one its error code has everywhere else. */
const FAILED_STATUS: Record<string, number> = {
  x3_rejected: 422,
  invalid_input: 422,
  conflict: 409,
  x3_unavailable: 503,
  x3_unreachable: 502,
  x3_auth_failed: 502,
  x3_folder_not_found: 502,
  x3_permission_denied: 502,
  outcome_uncertain: 504,
};

function answer(row: QuoteRow, replayed: boolean): AcceptResult {
  if (row.status === 'failed') {
    const err = row.last_error;
    const code = err?.code ?? 'x3_rejected';
    throw new ApiError(
      FAILED_STATUS[code] ?? 422,
      code as 'x3_rejected',
      err?.message ?? 'X3 refused the order',
      {
        quoteId: row.quote_id,
        status: 'failed',
        ...((err?.details as object | undefined) ?? {}),
      },
    );
  }
  const body: AcceptQuoteResponse = {
    quoteId: row.quote_id,
    status: row.status === 'created' ? 'created' : 'pending',
    orderNumber: row.order_number,
    replayed,
  };
  if (row.status === 'created') return { statusCode: replayed ? 200 : 201, body };
  return { statusCode: 202, body };
}

/**
 * Problems X3 already knows about (unknown site, blocked customer, inactive or unsold item),
 * found before anything is sent. When X3 cannot be asked the checks are skipped: the order is
 * still taken, and X3's own rules decide when it is sent.
 */
async function checkAgainstX3(
  deps: OrderDeps,
  connectionId: string,
  x3: OrdersX3,
  draft: OrderDraft,
): Promise<QuoteProblem[]> {
  let cache = checkCache.get(deps);
  if (!cache) checkCache.set(deps, (cache = new Map()));
  const ttl = deps.checkCacheMs ?? 30_000;
  const nowMs = Date.now();
  const fresh = (k: string) => (cache.get(k) ?? 0) > nowMs;
  const remember = (k: string) => {
    if (ttl > 0) cache.set(k, nowMs + ttl);
  };
  const problems: QuoteProblem[] = [];
  type Check = () => Promise<void>;
  const checks: Check[] = [];
  const read = async <V>(fn: () => Promise<V>): Promise<V | null | 'skip'> => {
    try {
      return await fn();
    } catch (err) {
      if (isX3NotFound(err)) return null;
      if (isX3Unavailable(err)) return 'skip';
      throw err;
    }
  };

  if (draft.salesSite) {
    const site = draft.salesSite;
    const k = `${connectionId}|site|${site}`;
    if (!fresh(k)) {
      checks.push(async () => {
        const found = await read(() => x3.sites.get(site));
        if (found === null)
          problems.push({ field: 'site', code: 'unknown_site', message: `X3 has no site ${site}` });
        else if (found !== 'skip' && found.isSalesSite === false) {
          problems.push({
            field: 'site',
            code: 'unknown_site',
            message: `site ${site} is not a sales site in X3`,
          });
        } else if (found !== 'skip') remember(k);
      });
    }
  }
  const ck = `${connectionId}|customer|${draft.customerCode}`;
  if (!fresh(ck)) {
    checks.push(async () => {
      const found = await read(() => x3.customers.get(draft.customerCode));
      if (found === 'skip') return;
      const p = customerProblem(draft.customerCode, found);
      if (p)
        problems.push({ field: 'customerAccount', code: p.code as QuoteProblem['code'], message: p.message });
      else remember(ck);
    });
  }
  const refs = [...new Set(draft.lines.map((l) => l.itemRef))];
  for (const ref of refs) {
    const ik = `${connectionId}|item|${ref}`;
    if (fresh(ik)) continue;
    checks.push(async () => {
      const found = await read(() => x3.items.get(ref));
      if (found === 'skip') return;
      const p = itemProblem(ref, found);
      if (!p) return remember(ik);
      draft.lines.forEach((l, i) => {
        if (l.itemRef === ref) {
          problems.push({
            field: `lines[${i}].productCode`,
            code: p.code as QuoteProblem['code'],
            message: p.message,
          });
        }
      });
    });
  }
  await mapLimit(checks, 4, (c) => c());
  return problems.sort((a, b) => a.field.localeCompare(b.field));
}

/**
 * One attempt at getting the quote's order into X3, at most one per quote at a time across all
 * processes. Returns the quote as it stands afterwards (undefined if it does not exist).
 */
export async function attemptQuote(
  deps: OrderDeps,
  key: QuoteKey,
  opts: { environmentId: string; now?: Date; force?: boolean },
): Promise<QuoteRow | undefined> {
  let running = inFlight.get(deps);
  if (!running) inFlight.set(deps, (running = new Map()));
  const k = keyString(key);
  const existing = running.get(k);
  if (existing) return existing;
  const p = runAttempt(deps, key, opts).finally(() => running.delete(k));
  running.set(k, p);
  return p;
}

async function runAttempt(
  deps: OrderDeps,
  key: QuoteKey,
  opts: { environmentId: string; now?: Date; force?: boolean },
): Promise<QuoteRow | undefined> {
  const policy = deps.policy ?? defaultRetryPolicy;
  const workerId = deps.workerId ?? 'local';

  // The connection first: its write timeout sizes the lease. A connection that cannot open is an
  // attempt that sends nothing, recorded like any other so that it backs off and ends.
  let opened: Awaited<ReturnType<OrderConnectionSource['get']>> | null = null;
  let openError: unknown = null;
  try {
    opened = await deps.connections.get(opts.environmentId, key.connectionId);
  } catch (err) {
    openError = err;
  }
  const leaseMs = attemptLeaseMs(policy, opened?.connection.settings?.timeoutMs);
  const started = opts.now ?? nowOf(deps);

  // Claim: lock the outbox row, take the lease, open the attempt; commit before calling X3 so that
  // no database session waits on the network.
  const claim = await deps.db.transaction().execute(async (tx) => {
    const box = await lockOutbox(tx, key);
    if (!box || box.state === 'done' || box.state === 'failed') return null;
    if (box.state === 'sending' && box.lease_until && box.lease_until > started) return null;
    if (box.state === 'pending' && !opts.force && box.next_attempt_at && box.next_attempt_at > started)
      return null;
    const last = await lastAttempt(tx, key);
    if (box.state === 'sending') {
      // Its sender died (its lease lapsed) between sending and recording: the order may exist,
      // and X3 may still be saving it. Close that attempt as uncertain and look it up only once
      // X3 has had time to settle; never at once.
      if (last && last.outcome === 'in_flight') {
        await finishAttempt(tx, last.id, {
          finishedAt: started,
          outcome: 'uncertain',
          error: { code: 'outcome_uncertain', message: 'the sender stopped before recording X3’s answer' },
        });
      }
      const at = new Date(started.getTime() + policy.settleMs);
      await updateQuote(tx, key, {
        status: 'pending',
        now: started,
        lastError: { code: 'outcome_uncertain', message: 'the sender stopped before recording X3’s answer' },
      });
      await updateOutbox(tx, key, {
        state: 'pending',
        nextAttemptAt: at,
        leaseUntil: null,
        leaseOwner: null,
        now: started,
      });
      return { kind: 'released' as const, at };
    }
    const quote = (await findQuote(tx, key))!;
    const previous = last ? (last.outcome === 'in_flight' ? 'uncertain' : last.outcome) : null;
    const plan = planAttempt(quote.sends, previous, policy);
    const attemptId = await insertAttempt(tx, key, {
      number: quote.attempt_count + 1,
      lookup: plan.lookupFirst,
      startedAt: started,
    });
    await updateQuote(tx, key, { status: 'sending', attemptsDelta: 1, now: started });
    // The lease names the attempt, so a finish or a renewal by a sender whose attempt was taken
    // over changes nothing.
    const owner = `${workerId}/${attemptId}`;
    await updateOutbox(tx, key, {
      state: 'sending',
      leaseUntil: new Date(started.getTime() + leaseMs),
      leaseOwner: owner,
      now: started,
    });
    return {
      kind: 'claimed' as const,
      plan,
      attemptId,
      owner,
      draft: quote.draft,
      sends: quote.sends,
      // Counted since the quote was last accepted: accepting a failed quote again starts afresh.
      attempts: await countAttemptsSince(tx, key, quote.created_at),
      storedAt: quote.created_at,
    };
  });
  if (!claim) return findQuote(deps.db, key);
  if (claim.kind === 'released') {
    await scheduleAttempt(deps, key, opts.environmentId, claim.at);
    return findQuote(deps.db, key);
  }

  // Renewed while the call runs, so a live sender's lease never lapses whatever X3 or the
  // client's queue takes; a dead sender's lapses after `leaseMs`.
  const heartbeat = setInterval(
    () => {
      void renewLease(deps.db, key, claim.owner, new Date(nowOf(deps).getTime() + leaseMs))
        .then((held) => {
          if (!held) clearInterval(heartbeat);
        })
        .catch((err: unknown) =>
          deps.log.warn(
            { quoteId: key.quoteId, err: (err as Error).message },
            'could not renew an order lease',
          ),
        );
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  );
  heartbeat.unref?.();

  let sends = claim.sends;
  let result: AttemptResult;
  try {
    if (!opened) throw openError;
    const limit = opened.connection.settings?.concurrency ?? 4;
    result = await sendOrAdopt(deps, opened.client, key, claim.draft, claim.storedAt, claim.plan, {
      acquire: () => createGate(deps).acquire(key.connectionId, limit, policy.queueWaitMs),
      beforeSend: async () => {
        sends++;
        await updateQuote(deps.db, key, { sendsDelta: 1, now: nowOf(deps) });
      },
    });
  } catch (err) {
    // Not an X3 answer (the connection was deleted, cannot be opened…): nothing was sent.
    const message = err instanceof Error ? err.message : 'the attempt failed';
    result = {
      outcome: 'unavailable',
      error: { code: (err as { code?: string }).code ?? 'server_error', message },
    };
    deps.log.warn(
      { quoteId: key.quoteId, connectionId: key.connectionId, err: message },
      'order attempt could not run',
    );
  } finally {
    clearInterval(heartbeat);
  }

  const finished = opts.now ?? nowOf(deps);
  const decision = decideAfterAttempt(result, {
    sends,
    attempts: claim.attempts,
    ageMs: finished.getTime() - claim.storedAt.getTime(),
    now: finished,
    policy,
    lookupOnly: !claim.plan.maySend,
  });
  let emitted = false;
  await deps.db.transaction().execute(async (tx) => {
    const box = await lockOutbox(tx, key);
    await finishAttempt(tx, claim.attemptId, {
      finishedAt: finished,
      outcome: result.outcome,
      orderNumber: result.orderNumber ?? null,
      error: result.error ?? null,
    });
    // Taken over (our lease lapsed) or finished by someone else: our answer stays on our attempt
    // only, and the next attempt's lookup decides.
    if (!box || box.state !== 'sending' || box.lease_owner !== claim.owner) return;
    const lastError = decision.error ?? (decision.quoteStatus === 'created' ? null : (result.error ?? null));
    await updateQuote(tx, key, {
      status: decision.quoteStatus,
      now: finished,
      ...(result.orderNumber ? { orderNumber: result.orderNumber } : {}),
      lastError,
    });
    await updateOutbox(tx, key, {
      state: decision.outbox,
      nextAttemptAt: decision.nextAttemptAt,
      leaseUntil: null,
      leaseOwner: null,
      now: finished,
    });
    if (decision.event) {
      const quote = (await findQuote(tx, key))!;
      await emitEvent(tx, {
        environmentId: opts.environmentId,
        type: decision.event,
        data: formatQuote(quote),
      });
      emitted = true;
    }
  });
  if (emitted) await kickWebhookDelivery(deps);
  if (decision.nextAttemptAt) await scheduleAttempt(deps, key, opts.environmentId, decision.nextAttemptAt);
  return findQuote(deps.db, key);
}

const gates = new WeakMap<OrderDeps, CreateGate>();
function createGate(deps: OrderDeps): CreateGate {
  let g = gates.get(deps);
  if (!g) gates.set(deps, (g = new CreateGate()));
  return g;
}

const defaultSites = new WeakMap<OrdersX3, Promise<string | null>>();

/** The connection's first sales site, used when a quote names none (X3 needs SALFCY). */
export function defaultSalesSite(x3: OrdersX3): Promise<string | null> {
  let p = defaultSites.get(x3);
  if (!p) {
    p = (async () => {
      for await (const s of x3.sites.list({})) if (s.isSalesSite !== false) return s.code;
      return null;
    })();
    p.catch(() => defaultSites.delete(x3));
    defaultSites.set(x3, p);
  }
  return p;
}

async function sendOrAdopt(
  deps: OrderDeps,
  x3: OrdersX3,
  key: QuoteKey,
  draft: OrderDraft,
  storedAt: Date,
  plan: { lookupFirst: boolean; maySend: boolean },
  send: { acquire: () => Promise<(() => void) | null>; beforeSend: () => Promise<void> },
): Promise<AttemptResult> {
  if (plan.lookupFirst) {
    let found: Reconciliation;
    try {
      found = await reconcile(x3, key.quoteId, draft, storedAt);
    } catch (err) {
      const c = classifyX3Failure(err);
      // A failed lookup proves nothing either way: never send after it.
      return {
        outcome: c.outcome === 'rejected' ? 'uncertain' : c.outcome,
        error: c.error,
        retryAfterMs: c.retryAfterMs,
      };
    }
    if (found.kind === 'match') return { outcome: 'adopted', orderNumber: found.orderNumber };
    if (found.kind === 'conflict') {
      // Sending would put a second order under a reference X3 already shows on another one.
      return {
        outcome: 'conflict',
        error: {
          code: 'conflict',
          message: conflictMessage(key.quoteId, found.orderNumbers),
          details: { conflictingOrders: found.orderNumbers },
        },
      };
    }
    if (!plan.maySend) {
      return {
        outcome: 'not_found',
        error: {
          code: 'x3_unavailable',
          message: 'X3 could not be reached in time; the order was not created',
        },
      };
    }
  }
  let salesSite = draft.salesSite;
  if (!salesSite) {
    try {
      salesSite = await defaultSalesSite(x3);
    } catch (err) {
      const c = classifyX3Failure(err);
      return { outcome: 'unavailable', error: c.error, retryAfterMs: c.retryAfterMs };
    }
    if (!salesSite) {
      return {
        outcome: 'rejected',
        error: { code: 'x3_rejected', message: 'X3 has no sales site to take the order' },
      };
    }
  }
  const release = await send.acquire();
  if (!release) {
    // Never handed to the X3 client: nothing can have reached X3.
    return {
      outcome: 'unavailable',
      error: {
        code: 'x3_unavailable',
        message: 'Too many orders are waiting for this X3 connection; retrying later',
      },
    };
  }
  let result: AttemptResult;
  try {
    await send.beforeSend();
    const created = await x3.salesOrders.create({
      customerCode: draft.customerCode,
      customerOrderReference: draft.customerOrderReference,
      salesSite,
      ...(draft.currency ? { currency: draft.currency } : {}),
      requestedDeliveryDate: draft.requestedDeliveryDate,
      lines: draft.lines.map((l) => ({
        itemRef: l.itemRef,
        quantity: l.quantity,
        requestedDeliveryDate: l.requestedDeliveryDate,
        ...(l.grossPrice !== null ? { grossPrice: l.grossPrice } : {}),
      })),
    });
    result = { outcome: 'created', orderNumber: created.number };
  } catch (err) {
    const c = classifyX3Failure(err);
    result = { outcome: c.outcome, error: c.error, retryAfterMs: c.retryAfterMs };
  } finally {
    release();
  }
  if (deps.afterSend) await deps.afterSend(key);
  return result;
}

async function scheduleAttempt(
  deps: OrderDeps,
  key: QuoteKey,
  environmentId: string,
  at: Date,
): Promise<void> {
  if (!deps.jobs) return;
  try {
    await deps.jobs.boss.send(
      ORDER_ATTEMPT_QUEUE,
      { v: 1, connectionId: key.connectionId, quoteId: key.quoteId, environmentId },
      { startAfter: at, singletonKey: `${keyString(key)}@${at.getTime()}` },
    );
  } catch (err) {
    // The sweep finds the quote anyway; the job only makes the retry punctual.
    deps.log.warn(
      { quoteId: key.quoteId, err: (err as Error).message },
      'could not schedule the order retry',
    );
  }
}

/**
 * Runs every due attempt (and every attempt whose sender's lease lapsed). The retry job and the
 * sweep call it; tests call it with a chosen `now` instead of waiting.
 */
export async function processPendingQuotes(
  deps: OrderDeps,
  opts: { now?: Date; limit?: number; concurrency?: number } = {},
): Promise<{ processed: number; created: number; failed: number; pending: number }> {
  const now = opts.now ?? nowOf(deps);
  const due = await dueOutbox(deps.db, now, opts.limit ?? 100);
  const results = await mapLimit(due, opts.concurrency ?? 4, (r) =>
    attemptQuote(
      deps,
      { connectionId: r.connection_id, quoteId: r.quote_id },
      { environmentId: r.environment_id, now },
    ),
  );
  const count = (s: string) => results.filter((q) => q?.status === s).length;
  return {
    processed: due.length,
    created: count('created'),
    failed: count('failed'),
    pending: due.length - count('created') - count('failed'),
  };
}

export async function getQuote(deps: Pick<OrderDeps, 'db'>, key: QuoteKey) {
  const row = await findQuote(deps.db, key);
  if (!row) throw new ApiError(404, 'not_found', `No quote ${key.quoteId} on this connection`);
  const attempts = await listAttempts(deps.db, key);
  return { ...formatQuote(row), attempts: attempts.map(formatAttempt) };
}

export async function listQuotes(
  deps: Pick<OrderDeps, 'db'>,
  connectionId: string,
  q: { limit: number; cursor?: string | undefined; status?: QuoteRow['status'] | undefined },
) {
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await listQuoteRows(deps.db, connectionId, { limit: q.limit, after, status: q.status });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(formatQuote),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.quote_id) : null,
  };
}

function encodeCursor(createdAt: Date, quoteId: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), quoteId])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; quoteId: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(createdAt.getTime())) throw new Error('bad cursor');
    return { createdAt, quoteId: id };
  } catch {
    throw new ApiError(400, 'invalid_query', 'The cursor is not one this list gave out', { field: 'cursor' });
  }
}

export type { QuoteError };
