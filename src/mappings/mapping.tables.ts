import type { Timestamp } from '../db/foundation.tables.js';

export interface ProductMappingsTable {
  connection_id: string;
  product_code: string;
  item_ref: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CustomerMappingsTable {
  connection_id: string;
  customer_account: string;
  customer_code: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MappingTables {
  product_mappings: ProductMappingsTable;
  customer_mappings: CustomerMappingsTable;
}
