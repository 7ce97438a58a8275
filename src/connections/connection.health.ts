import { X3Error } from '../x3/errors.js';
import type { Connection, ConnectionStatus, LastError } from './connection.js';
import { describeFailure, type X3Target } from './connection.check.js';
import { recordObservedStatus, type Actor, type ConnectionServiceDeps } from './connection.service.js';

/** The class the wizard's test read uses: a permission refused there is the connection's. */
export const TEST_CLASS = 'BPCUSTOMER';

export interface CallContext {
  /** True when the call was on the test class (customers). */
  testClass: boolean;
}

/**
 * Keeps a stored connection's status in step with what its ordinary X3 calls show, not only
 * its checks. A call on an active connection that succeeds costs a map lookup and nothing
 * else; a change is written once, by the call that first saw it.
 */
export interface CallStatusTracker {
  /** After a call X3 answered; undefined (no I/O) when there is nothing to record. */
  succeeded(who: Actor, connection: Connection, ctx: CallContext): Promise<void> | undefined;
  /** After a call that failed; records the status the failure means, if any. Never throws. */
  failed(who: Actor, connection: Connection, err: unknown, ctx: CallContext): Promise<void>;
}

function x3ErrorIn(err: unknown): X3Error | null {
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    if (e instanceof X3Error) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** The status a failed call means for the whole connection, or null when it says nothing about it. */
function statusOf(err: X3Error, ctx: CallContext): ConnectionStatus | null {
  switch (err.code) {
    case 'x3_auth_failed':
      return 'auth_failed';
    case 'x3_folder_not_found':
      return 'folder_not_found';
    case 'x3_permission_denied':
      // Rights on other classes are the X3 user's business; on the test class they are the wizard's.
      return ctx.testClass ? 'permission_denied' : null;
    default:
      return null;
  }
}

/** X3 answered these after accepting the credentials: the connection itself works. */
const ANSWERED: ReadonlySet<string> = new Set(['not_found', 'x3_rejected']);

export function createCallStatusTracker(
  deps: ConnectionServiceDeps,
  options: { maxTracked?: number } = {},
): CallStatusTracker {
  const maxTracked = options.maxTracked ?? 10_000;
  // Statuses this process recorded, until the connection rows it reads (cached for a moment)
  // catch up: without it, every call in that moment would try the same change again.
  const recorded = new Map<string, { status: ConnectionStatus; updatedAt: number }>();

  function believed(connection: Connection): ConnectionStatus {
    const mine = recorded.get(connection.id);
    if (mine === undefined) return connection.status;
    if (connection.updatedAt.getTime() < mine.updatedAt) return mine.status;
    recorded.delete(connection.id);
    return connection.status;
  }

  async function change(
    who: Actor,
    connection: Connection,
    from: ConnectionStatus,
    to: ConnectionStatus,
    lastError: LastError | null,
  ): Promise<void> {
    try {
      const changed = await recordObservedStatus(deps, who, { ...connection, status: from }, to, lastError);
      if (changed) {
        if (recorded.size >= maxTracked) recorded.clear();
        recorded.set(connection.id, { status: to, updatedAt: changed.updatedAt.getTime() });
      }
    } catch (err) {
      // The call's own answer matters more than this bookkeeping: log and carry on.
      deps.log.warn({ err, connectionId: connection.id }, 'connection status could not be recorded');
    }
  }

  function succeeded(who: Actor, connection: Connection, ctx: CallContext): Promise<void> | undefined {
    const from = believed(connection);
    if (from === 'active') return undefined;
    // A call elsewhere proves nothing about the rights on the test class.
    if (from === 'permission_denied' && !ctx.testClass) return undefined;
    return change(who, connection, from, 'active', null);
  }

  return {
    succeeded,
    async failed(who, connection, err, ctx) {
      const x3 = x3ErrorIn(err);
      if (x3 === null) return;
      if (ANSWERED.has(x3.code)) {
        await succeeded(who, connection, ctx);
        return;
      }
      const to = statusOf(x3, ctx);
      const from = believed(connection);
      if (to === null || to === from) return;
      const target = { folder: connection.folder } as X3Target;
      const failure = describeFailure(x3, 'test_read', target);
      await change(who, connection, from, to, {
        code: failure.code,
        message: failure.message,
        step: null,
        fix: failure.fix,
      });
    },
  };
}
