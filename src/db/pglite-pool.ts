import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { Gate } from './gate.js';

type Command = PostgresQueryResult<unknown>['command'];

/**
 * Runs SQL text with optional parameters on the PGlite session. Parameterised text goes
 * through the extended protocol (one statement); plain text through the simple protocol, which
 * accepts several statements (pg-boss sends its schema that way) and answers with the last one.
 */
export async function runOnPglite(
  pglite: PGlite,
  text: string,
  values?: readonly unknown[],
): Promise<{ command: string | undefined; rowCount: number; rows: unknown[] }> {
  if (values && values.length > 0) {
    const r = await pglite.query(text, [...values]);
    return { command: r.command, rowCount: r.rowCount ?? r.affectedRows ?? 0, rows: r.rows };
  }
  const results = await pglite.exec(text);
  const last = results[results.length - 1];
  return { command: last?.command, rowCount: last?.rowCount ?? 0, rows: last?.rows ?? [] };
}

/**
 * A pool-shaped wrapper so Kysely's Postgres dialect can drive PGlite. It hands out one
 * client at a time: connect() takes the gate and release() gives it back, so a transaction
 * holds the only session from BEGIN to COMMIT and nothing else runs in between.
 */
export function createPglitePool(pglite: PGlite, gate: Gate): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const release = await gate.acquire();
      const client = {
        async query(sqlText: string, parameters: ReadonlyArray<unknown>) {
          const r = await runOnPglite(pglite, sqlText, parameters);
          return { command: r.command as Command, rowCount: r.rowCount, rows: r.rows };
        },
        release() {
          release();
        },
      };
      return client as unknown as PostgresPoolClient;
    },
    // The store closes PGlite itself, after Kysely is done with it.
    async end() {},
  };
}
