export {
  openStore,
  IN_MEMORY,
  type Db,
  type DbExecutor,
  type Store,
  type OpenStoreOptions,
} from './store.js';
export type { Database } from './schema.js';
export { migrateToLatest, MigrationFailedError } from './migrate.js';
export { DataDirLockedError, type DataDirLock, type LockOwner } from './data-dir-lock.js';
export { newId, randomBase62 } from './ids.js';
export { recordAuditEvent, type AuditEventInput } from './audit.repository.js';
