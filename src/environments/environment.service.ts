import { createHash } from 'node:crypto';
import { newId, randomBase62, recordAuditEvent, type DbExecutor } from '../db/index.js';
import { ApiError } from '../http/errors.js';
import {
  API_KEY_DISPLAY_LENGTH,
  API_KEY_PATTERN,
  API_KEY_PREFIX,
  API_KEY_RANDOM_LENGTH,
  environmentNameSchema,
  type ApiKey,
  type Environment,
  type RequestAuth,
} from './environment.js';
import { announceApiKeyRevoked, createApiKeyCache, type ApiKeyCacheOptions } from './api-key-cache.js';
import { toApiKey, toEnvironment } from './environment.formatter.js';
import * as repo from './environment.repository.js';

/**
 * SHA-256 of the key, hex. Keys carry 256 random bits, so no amount of guessing speed makes
 * a brute force feasible: a slow password hash (bcrypt, argon2) would only add its cost to
 * every request, and a salted hash could not be looked up by index.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export async function createEnvironment(db: DbExecutor, name: string, actor = 'cli'): Promise<Environment> {
  const parsed = environmentNameSchema.safeParse(name);
  if (!parsed.success) {
    throw new ApiError(
      400,
      'invalid_body',
      `"${name}" is not a valid environment name: ${parsed.error.issues[0]?.message}`,
    );
  }
  const existing = await repo.findEnvironmentByName(db, parsed.data);
  if (existing) throw new ApiError(409, 'conflict', `An environment named "${parsed.data}" already exists.`);
  const row = await repo.insertEnvironment(db, { id: newId('env'), name: parsed.data });
  await recordAuditEvent(db, {
    environmentId: row.id,
    actor,
    action: 'environment.created',
    subjectType: 'environment',
    subjectId: row.id,
    data: { name: row.name },
  });
  return toEnvironment(row);
}

/** The environment with this name, created when missing (`keys create --environment NAME`). */
export async function ensureEnvironment(
  db: DbExecutor,
  name: string,
  actor = 'cli',
): Promise<{ environment: Environment; created: boolean }> {
  const existing = await repo.findEnvironmentByName(db, name.trim());
  if (existing) return { environment: toEnvironment(existing), created: false };
  return { environment: await createEnvironment(db, name, actor), created: true };
}

export async function getEnvironment(db: DbExecutor, id: string): Promise<Environment | null> {
  const row = await repo.findEnvironmentById(db, id);
  return row ? toEnvironment(row) : null;
}

export async function listEnvironments(db: DbExecutor): Promise<Environment[]> {
  return (await repo.listEnvironments(db)).map(toEnvironment);
}

/** Creates a key. The plaintext `key` is returned this once and stored only as a hash. */
export async function createApiKey(
  db: DbExecutor,
  environmentId: string,
  name: string,
  actor = 'cli',
): Promise<{ apiKey: ApiKey; key: string }> {
  const environment = await repo.findEnvironmentById(db, environmentId);
  if (!environment) throw new ApiError(404, 'not_found', `No environment ${environmentId}.`);
  const key = `${API_KEY_PREFIX}${randomBase62(API_KEY_RANDOM_LENGTH)}`;
  const row = await repo.insertApiKey(db, {
    id: newId('key'),
    environment_id: environmentId,
    prefix: key.slice(0, API_KEY_DISPLAY_LENGTH),
    hash: hashApiKey(key),
    name: name.trim() || 'default',
  });
  await recordAuditEvent(db, {
    environmentId,
    actor,
    action: 'api_key.created',
    subjectType: 'api_key',
    subjectId: row.id,
    data: { name: row.name, prefix: row.prefix },
  });
  return { apiKey: toApiKey(row), key };
}

export async function listApiKeys(db: DbExecutor, environmentId: string): Promise<ApiKey[]> {
  return (await repo.listApiKeys(db, environmentId)).map(toApiKey);
}

export type AuthenticatedKey = RequestAuth & { environmentName: string; apiKey: ApiKey };

async function findActiveKey(db: DbExecutor, hash: string): Promise<AuthenticatedKey | null> {
  const row = await repo.findActiveApiKeyByHash(db, hash);
  if (!row) return null;
  return {
    environmentId: row.environment_id,
    apiKeyId: row.id,
    environmentName: row.environment_name,
    apiKey: toApiKey(row),
  };
}

/** The caller behind a presented key, or null for a malformed, unknown or revoked key. */
export async function authenticate(db: DbExecutor, key: string): Promise<AuthenticatedKey | null> {
  if (!API_KEY_PATTERN.test(key)) return null;
  return findActiveKey(db, hashApiKey(key));
}

export interface ApiKeyAuthenticator {
  /** As `authenticate`, answered from memory while the key's last lookup is fresh. */
  authenticate(key: string): Promise<AuthenticatedKey | null>;
  close(): void;
}

/**
 * `authenticate` for the request path: found keys are kept in memory for a few seconds (see
 * api-key-cache.ts for what that means for revocation). `apiKey.lastUsedAt` may be that old.
 */
export function createApiKeyAuthenticator(
  db: DbExecutor,
  options: Omit<ApiKeyCacheOptions<AuthenticatedKey>, 'lookup'> = {},
): ApiKeyAuthenticator {
  const cache = createApiKeyCache<AuthenticatedKey>({
    ...options,
    lookup: (hash) => findActiveKey(db, hash),
  });
  return {
    async authenticate(key) {
      if (!API_KEY_PATTERN.test(key)) return null;
      return cache.get(hashApiKey(key));
    },
    close: () => cache.close(),
  };
}

/** Revokes a key; with `environmentId`, only a key of that environment. Returns false if there was nothing to revoke. */
export async function revokeApiKey(
  db: DbExecutor,
  keyId: string,
  opts: { environmentId?: string; actor?: string } = {},
): Promise<boolean> {
  const row = await repo.findApiKeyById(db, keyId);
  if (!row || (opts.environmentId && row.environment_id !== opts.environmentId)) {
    throw new ApiError(404, 'not_found', `No API key ${keyId}.`);
  }
  const revoked = await repo.markApiKeyRevoked(db, keyId, new Date());
  // Also when it was already revoked (say by another process): caches here drop it now.
  announceApiKeyRevoked(keyId);
  if (revoked) {
    await recordAuditEvent(db, {
      environmentId: row.environment_id,
      actor: opts.actor ?? 'cli',
      action: 'api_key.revoked',
      subjectType: 'api_key',
      subjectId: keyId,
      data: { prefix: row.prefix },
    });
  }
  return revoked;
}

/**
 * Records when keys were last used without a write per request: at most one update per key
 * per interval, off the request path.
 */
export function createUsageRecorder(
  db: DbExecutor,
  opts: { intervalMs?: number; onError?: (err: unknown) => void; now?: () => number } = {},
): { record(apiKeyId: string): void; flush(): Promise<void> } {
  const interval = opts.intervalMs ?? 60_000;
  const clock = opts.now ?? Date.now;
  const lastWrite = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  return {
    record(apiKeyId) {
      const now = clock();
      const last = lastWrite.get(apiKeyId);
      if (last !== undefined && now - last < interval) return;
      // Forgetting every key only costs one extra write each; it keeps the map bounded.
      if (lastWrite.size >= 10_000) lastWrite.clear();
      lastWrite.set(apiKeyId, now);
      const p = repo
        .touchApiKey(db, apiKeyId, new Date(now))
        .catch((err: unknown) => opts.onError?.(err))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    async flush() {
      await Promise.all([...inFlight]);
    },
  };
}
