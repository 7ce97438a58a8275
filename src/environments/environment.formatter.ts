import type { ApiKey, Environment, MeResponse } from './environment.js';
import type { ApiKeyRow, EnvironmentRow } from './environment.repository.js';

export function toEnvironment(row: EnvironmentRow): Environment {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

// The hash stays behind: it is not a secret by itself, but nothing outside needs it.
export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    environmentId: row.environment_id,
    prefix: row.prefix,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export function formatMe(environment: Environment, apiKey: ApiKey): MeResponse {
  return {
    environment: {
      id: environment.id,
      name: environment.name,
      createdAt: environment.createdAt.toISOString(),
    },
    apiKey: {
      id: apiKey.id,
      name: apiKey.name,
      prefix: `${apiKey.prefix}…`,
      createdAt: apiKey.createdAt.toISOString(),
    },
  };
}
