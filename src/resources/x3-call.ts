import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.js';
import type { Connection } from '../connections/connection.js';
import { createCallStatusTracker } from '../connections/connection.health.js';
import { actorOf, connectionServiceDeps } from '../connections/connection.routes.js';
import type { X3Client } from '../x3/index.js';

export interface X3CallOptions {
  /** The call reads or writes customers, the class the connection checks read. */
  testClass?: boolean;
}

/** Runs a route's X3 work on a stored connection, keeping its status in step with the outcome. */
export type UseX3 = <T>(
  request: FastifyRequest,
  connectionId: string,
  work: (client: X3Client, connection: Connection, noX3Call: () => void) => Promise<T>,
  options?: X3CallOptions,
) => Promise<T>;

export function createUseX3(deps: AppDeps): UseX3 {
  const tracker = createCallStatusTracker(connectionServiceDeps(deps));
  return async (request, connectionId, work, options = {}) => {
    const who = actorOf(request);
    const { client, connection } = await deps.connections.get(who.environmentId, connectionId);
    const ctx = { testClass: options.testClass === true };
    let result: Awaited<ReturnType<typeof work>>;
    // A replayed answer reached no X3: it says nothing about the connection's state.
    let called = true;
    try {
      result = await work(client, connection, () => {
        called = false;
      });
    } catch (err) {
      await tracker.failed(who, connection, err, ctx);
      throw err;
    }
    const pending = called ? tracker.succeeded(who, connection, ctx) : undefined;
    if (pending !== undefined) await pending;
    return result;
  };
}
