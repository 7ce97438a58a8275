import type { ConnectionTables } from '../connections/connection.tables.js';
import type { FoundationTables } from './foundation.tables.js';
import type { OrderTables } from '../orders/order.tables.js';
import type { ScaleoutTables } from '../scaleout/scaleout.tables.js';

/**
 * Every table the service knows. Each capability keeps its table interfaces beside its code
 * (`src/connections/connection.tables.ts` exports ConnectionTables, …) and adds one line here.
 */
export interface Database extends FoundationTables, ConnectionTables, OrderTables, ScaleoutTables {}
