import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_connections.js';
import * as m0003 from './0003_orders.js';
import * as m0004 from './0004_shared_tokens.js';

/**
 * Every migration, by name; names sort in the order they run. Each capability adds its own
 * file (NNNN_name.ts) and one line here.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_connections': m0002,
  '0003_orders': m0003,
  '0004_shared_tokens': m0004,
};
