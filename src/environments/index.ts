export * from './environment.js';
export { API_KEY_CACHE_TTL_MS } from './api-key-cache.js';
export {
  authenticate,
  createApiKey,
  createApiKeyAuthenticator,
  createEnvironment,
  ensureEnvironment,
  getEnvironment,
  hashApiKey,
  listApiKeys,
  listEnvironments,
  revokeApiKey,
  type ApiKeyAuthenticator,
  type AuthenticatedKey,
} from './environment.service.js';
