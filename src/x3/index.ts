export { createX3Client } from './client.js';
export type { X3Client, X3ResourceName, ModelOf, FiltersOf } from './client.js';
export type {
  X3ClientOptions,
  X3Limits,
  X3Timeouts,
  X3Hooks,
  X3Logger,
  X3RequestEvent,
  X3ResponseEvent,
  X3SlotRelease,
} from './options.js';
export type {
  X3AuthOptions,
  ClientCredentialsAuth,
  ConnectedAppAuth,
  BasicAuth,
  Clock,
  SharedToken,
  X3SharedTokens,
} from './auth/types.js';
export * from './errors.js';
export { w, WhereExpr, WhereOperand, LikePattern, DateOnly, allOf, literal } from './sdata/where.js';
export type { WhereBuilder, WhereValue } from './sdata/where.js';
export { keySegment } from './sdata/keys.js';
export type { Page, PageOptions, ListOptions, KeyInput } from './resources/resource.js';
export type {
  Customer,
  CustomerAddress,
  CustomerFilters,
  CustomerCreate,
  CustomerUpdate,
} from './resources/customers.js';
export type { Item, ItemStock, ItemFilters, ItemStatus } from './resources/items.js';
export type {
  SalesOrder,
  SalesOrderLine,
  SalesOrderFilters,
  SalesOrderCreate,
  OrderStatus,
  DeliveryStatus,
  InvoiceStatus,
} from './resources/sales-orders.js';
export type { PurchaseOrder, PurchaseOrderLine, PurchaseOrderFilters } from './resources/purchase-orders.js';
export type {
  SupplierInvoice,
  SupplierInvoiceLine,
  SupplierInvoiceFilters,
} from './resources/supplier-invoices.js';
export type {
  JournalEntry,
  JournalEntryLine,
  JournalEntryFilters,
  JournalEntryKey,
} from './resources/journal-entries.js';
export type {
  AccountBalance,
  BalancePeriod,
  AccountBalanceFilters,
  AccountBalanceKey,
} from './resources/account-balances.js';
export type { Delivery, DeliveryLine, DeliveryFilters } from './resources/deliveries.js';
export type { Site, SiteFilters } from './resources/sites.js';
/** Reconciling a create whose outcome was unknown: is this X3 order the one we sent? */
export {
  orderMatchesIntent,
  pickOrder,
  CLOCK_SKEW_MS,
  type OrderEvidence,
  type OrderIntent,
  type OrderPick,
} from './order-match.js';
