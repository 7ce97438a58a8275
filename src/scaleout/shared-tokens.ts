import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { Vault } from '../secrets/index.js';
import type { SharedToken, X3SharedTokens } from '../x3/index.js';

export interface SharedTokensOptions {
  /** Told when the database could not be used and this process minted on its own. */
  onDatabaseError?: (error: unknown) => void;
  /** How long a process waits for another's mint before giving up on the lock (default 60 s). */
  lockTimeoutMs?: number;
}

/** Names the credentials that minted a token without saying anything about them. */
export function credentialsTag(credentialsSealed: string): string {
  return createHash('sha256').update(credentialsSealed).digest('base64url').slice(0, 22);
}

/**
 * One connection's token, shared by every process on the database. "Read, mint if missing or
 * due, store" runs under a transaction-scoped advisory lock keyed by the connection, so
 * processes that queue behind a mint read its token instead of minting their own. The token
 * is stored sealed by the Vault and bound to the connection id.
 */
export function createSharedTokens(
  db: Db,
  vault: Vault,
  connectionId: string,
  tag: string,
  options: SharedTokensOptions = {},
): X3SharedTokens {
  const lockTimeout = `${options.lockTimeoutMs ?? 60_000}ms`;
  return {
    async obtain({ now, refused, mint }) {
      let minted: SharedToken | undefined;
      let minting = false;
      try {
        return await db.transaction().execute(async (trx) => {
          await sql`select set_config('lock_timeout', ${lockTimeout}, true), pg_advisory_xact_lock(hashtextextended(${`x3bridge:x3-token:${connectionId}`}, 0))`.execute(
            trx,
          );
          const row = await trx
            .selectFrom('x3_shared_tokens')
            .select(['credentials_tag', 'token_sealed', 'expires_at', 'refresh_at'])
            .where('connection_id', '=', connectionId)
            .executeTakeFirst();
          if (row && row.credentials_tag === tag && Number(row.refresh_at) > now) {
            const value = openOrNull(vault, row.token_sealed, connectionId);
            // The token X3 just refused is the one to replace: compare under the lock, so N
            // processes that saw the same 401 mint once between them.
            if (value !== null && value !== refused) {
              return { value, expiresAt: Number(row.expires_at), refreshAt: Number(row.refresh_at) };
            }
          }
          minting = true;
          minted = await mint();
          const values = {
            credentials_tag: tag,
            token_sealed: vault.seal(minted.value, connectionId),
            expires_at: minted.expiresAt,
            refresh_at: minted.refreshAt,
            minted_at: new Date(),
          };
          await trx
            .insertInto('x3_shared_tokens')
            .values({ connection_id: connectionId, ...values })
            .onConflict((oc) => oc.column('connection_id').doUpdateSet(values))
            .execute();
          return minted;
        });
      } catch (error) {
        // A token minted but not stored is still good for this process.
        if (minted !== undefined) {
          options.onDatabaseError?.(error);
          return minted;
        }
        if (minting) throw error;
        // The database is unreachable or the lock timed out: X3 is still worth trying.
        options.onDatabaseError?.(error);
        return mint();
      }
    },
  };
}

function openOrNull(vault: Vault, sealed: string, connectionId: string): string | null {
  try {
    return vault.open(sealed, connectionId);
  } catch {
    // A master key removed since, say: mint again rather than fail the call.
    return null;
  }
}
