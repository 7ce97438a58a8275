export * from './environment.js';
export {
  authenticate,
  createApiKey,
  createEnvironment,
  ensureEnvironment,
  getEnvironment,
  hashApiKey,
  listApiKeys,
  listEnvironments,
  revokeApiKey,
} from './environment.service.js';
