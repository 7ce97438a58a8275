import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from './migrations/index.js';

export class MigrationFailedError extends Error {
  override name = 'MigrationFailedError';
}

/**
 * Brings the schema to the latest migration. Several processes may start at once against one
 * Postgres: a session advisory lock, held on one connection for the whole run, lets one of
 * them migrate while the others wait and then find nothing left to do (Kysely's own lock does
 * not cover creating its bookkeeping tables, which races on a fresh database).
 */
// Migrations see the schema as it is at each step, not today's typed Database.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResult[]> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext('x3bridge:migrations'))`.execute(conn);
    try {
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => migrations },
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName;
        throw new MigrationFailedError(
          `database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`.replace(
            '  ',
            ' ',
          ),
          { cause: error },
        );
      }
      return results ?? [];
    } finally {
      await sql`select pg_advisory_unlock(hashtext('x3bridge:migrations'))`.execute(conn);
    }
  });
}
