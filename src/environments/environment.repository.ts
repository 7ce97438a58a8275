import type { DbExecutor } from '../db/index.js';
import type { ApiKeysTable, EnvironmentsTable } from '../db/foundation.tables.js';
import type { Selectable } from 'kysely';

export type EnvironmentRow = Selectable<EnvironmentsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;

export async function insertEnvironment(
  db: DbExecutor,
  row: { id: string; name: string },
): Promise<EnvironmentRow> {
  return db.insertInto('environments').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findEnvironmentById(db: DbExecutor, id: string): Promise<EnvironmentRow | undefined> {
  return db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findEnvironmentByName(
  db: DbExecutor,
  name: string,
): Promise<EnvironmentRow | undefined> {
  return db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function listEnvironments(db: DbExecutor): Promise<EnvironmentRow[]> {
  return db.selectFrom('environments').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function insertApiKey(
  db: DbExecutor,
  row: { id: string; environment_id: string; prefix: string; hash: string; name: string },
): Promise<ApiKeyRow> {
  return db.insertInto('api_keys').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The unrevoked key with this hash, with its environment. */
export async function findActiveApiKeyByHash(
  db: DbExecutor,
  hash: string,
): Promise<(ApiKeyRow & { environment_name: string }) | undefined> {
  return db
    .selectFrom('api_keys')
    .innerJoin('environments', 'environments.id', 'api_keys.environment_id')
    .selectAll('api_keys')
    .select('environments.name as environment_name')
    .where('api_keys.hash', '=', hash)
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function findApiKeyById(db: DbExecutor, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listApiKeys(db: DbExecutor, environmentId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function touchApiKey(db: DbExecutor, id: string, at: Date): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function markApiKeyRevoked(db: DbExecutor, id: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
