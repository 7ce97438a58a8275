export {
  createScaleoutCoordination,
  detectKind,
  DEFAULT_CONCURRENCY,
  type ScaleoutCoordination,
  type ScaleoutOptions,
  type SharedHooks,
} from './coordination.js';
export { createSharedSlots, type SharedSlots, type SharedSlotsOptions } from './shared-slots.js';
export { createSharedTokens, credentialsTag, type SharedTokensOptions } from './shared-tokens.js';
export type { ScaleoutTables } from './scaleout.tables.js';
