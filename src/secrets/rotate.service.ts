import { sql, type Kysely, type Transaction } from 'kysely';
import type { Vault } from './vault.js';

export interface RotateProgress {
  scanned: number;
  rewrapped: number;
}

export interface RotateResult extends RotateProgress {
  keyId: string;
}

export interface RotateTarget {
  table: string;
  idColumn: string;
  sealedColumn: string;
}

/** Where connection credentials live (the connections capability's table). */
export const CONNECTION_CREDENTIALS: RotateTarget = {
  table: 'connections',
  idColumn: 'id',
  sealedColumn: 'credentials_sealed',
};

/**
 * Re-wraps every sealed value in `target` with the vault's newest master key, online: small
 * batches, each in its own transaction with its rows locked, so a running server keeps
 * serving and a crash half-way leaves every row readable (old or new key). Rows already on
 * the newest key are left alone, so running it again is cheap.
 */
export async function rotateSealedColumn(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the target table is named at run time
  db: Kysely<any>,
  vault: Vault,
  target: RotateTarget = CONNECTION_CREDENTIALS,
  opts: { batchSize?: number; onProgress?: (p: RotateProgress) => void } = {},
): Promise<RotateResult> {
  const batchSize = opts.batchSize ?? 100;
  const table = sql.table(target.table);
  const id = sql.ref(target.idColumn);
  const sealed = sql.ref(target.sealedColumn);
  const progress: RotateProgress = { scanned: 0, rewrapped: 0 };
  let after: string | null = null;
  for (;;) {
    const last: string | null = await db.transaction().execute(async (trx: Transaction<unknown>) => {
      const { rows } = await sql<{ id: string; sealed: string }>`
        select ${id} as id, ${sealed} as sealed from ${table}
        where ${sealed} is not null ${after === null ? sql`` : sql`and ${id} > ${after}`}
        order by ${id} limit ${batchSize} for update`.execute(trx);
      for (const row of rows) {
        progress.scanned++;
        if (vault.keyIdOf(row.sealed) === vault.currentKeyId) continue;
        await sql`update ${table} set ${sealed} = ${vault.rewrap(row.sealed)} where ${id} = ${row.id}`.execute(
          trx,
        );
        progress.rewrapped++;
      }
      return rows.length < batchSize ? null : (rows[rows.length - 1]?.id ?? null);
    });
    opts.onProgress?.({ ...progress });
    if (last === null) break;
    after = last;
  }
  return { ...progress, keyId: vault.currentKeyId };
}
