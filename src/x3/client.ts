import { Agent, type Dispatcher } from 'undici';
import { createBasicAuth } from './auth/basic.js';
import { createClientCredentialsAuth } from './auth/client-credentials.js';
import { createConnectedAppAuth } from './auth/connected-app.js';
import { systemClock, type AuthStrategy } from './auth/types.js';
import { X3InvalidInputError } from './errors.js';
import { resolveLimits, resolveTimeouts, validateOptions, type X3ClientOptions } from './options.js';
import { AccountBalances } from './resources/account-balances.js';
import { Customers } from './resources/customers.js';
import { Deliveries } from './resources/deliveries.js';
import { Items } from './resources/items.js';
import { JournalEntries } from './resources/journal-entries.js';
import { PurchaseOrders } from './resources/purchase-orders.js';
import type { Page, PageOptions, ResourceContext } from './resources/resource.js';
import { SalesOrders } from './resources/sales-orders.js';
import { Sites } from './resources/sites.js';
import { SupplierInvoices } from './resources/supplier-invoices.js';
import { folderBase } from './sdata/keys.js';
import { Transport } from './transport.js';

export interface X3Client {
  readonly folder: string;
  readonly baseUrl: string;
  readonly customers: Customers;
  readonly items: Items;
  readonly salesOrders: SalesOrders;
  readonly purchaseOrders: PurchaseOrders;
  readonly supplierInvoices: SupplierInvoices;
  readonly journalEntries: JournalEntries;
  readonly accountBalances: AccountBalances;
  readonly deliveries: Deliveries;
  readonly sites: Sites;
  /**
   * One page of a resource and an opaque cursor for the next; `filters` are the resource's own
   * list filters. Pass the same filters with the cursor.
   */
  page<K extends X3ResourceName>(
    resource: K,
    options?: PageOptions & { count?: number; filters?: FiltersOf<K> },
  ): Promise<Page<ModelOf<K>>>;
  /** Closes the client's connections (not those of an injected dispatcher). */
  close(): Promise<void>;
}

type Resources = Pick<
  X3Client,
  | 'customers'
  | 'items'
  | 'salesOrders'
  | 'purchaseOrders'
  | 'supplierInvoices'
  | 'journalEntries'
  | 'accountBalances'
  | 'deliveries'
  | 'sites'
>;
export type X3ResourceName = keyof Resources;
export type ModelOf<K extends X3ResourceName> = Resources[K] extends {
  get(...args: never[]): Promise<infer T>;
}
  ? T
  : never;
export type FiltersOf<K extends X3ResourceName> = NonNullable<Parameters<Resources[K]['page']>[0]>;

const RESOURCE_NAMES: readonly X3ResourceName[] = [
  'customers',
  'items',
  'salesOrders',
  'purchaseOrders',
  'supplierInvoices',
  'journalEntries',
  'accountBalances',
  'deliveries',
  'sites',
];

/**
 * A client for one X3 folder over the REST api1 web services.
 *
 * @example
 *   const x3 = createX3Client({ baseUrl: 'https://x3.example.com:8124', folder: 'ALDGATE',
 *     auth: { type: 'client_credentials', clientId, clientSecret } });
 *   for await (const c of x3.customers.list({ search: 'box' })) console.log(c.code, c.name);
 */
export function createX3Client(options: X3ClientOptions): X3Client {
  validateOptions(options);
  const limits = resolveLimits(options.limits);
  const timeouts = resolveTimeouts(options.timeouts);
  const clock = options.clock ?? systemClock;
  const baseUrl = new URL(options.baseUrl);
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher: Dispatcher =
    options.dispatcher ??
    new Agent({
      // A couple beyond the cap, so a token request never waits behind the API calls.
      connections: limits.maxConcurrent + 2,
      keepAliveTimeout: 30_000,
      connect: {
        timeout: timeouts.connectMs,
        ...(options.tls?.ca === undefined ? {} : { ca: options.tls.ca }),
      },
    });

  const transport = new Transport({
    folder: options.folder,
    dispatcher,
    limits,
    timeouts,
    clock,
    hooks: options.hooks ?? {},
    logger: options.logger,
    random: options.random ?? Math.random,
  });

  let auth: AuthStrategy;
  const a = options.auth;
  if (a.type === 'client_credentials') {
    const tokenUrl = new URL(
      a.tokenUrl ?? `${baseUrl.origin}${baseUrl.pathname.replace(/\/+$/, '')}/oauth2/token`,
    );
    auth = createClientCredentialsAuth(
      a,
      tokenUrl,
      transport.tokenPost,
      clock,
      limits.authCooldownMs,
      options.hooks?.sharedTokens,
    );
  } else if (a.type === 'connected_app') {
    auth = createConnectedAppAuth(a, clock);
  } else {
    auth = createBasicAuth(a, baseUrl);
  }
  transport.setAuth(auth);

  const ctx: ResourceContext = { transport, folderBase: folderBase(options.baseUrl, options.folder) };
  const resources: Resources = {
    customers: new Customers(ctx),
    items: new Items(ctx),
    salesOrders: new SalesOrders(ctx),
    purchaseOrders: new PurchaseOrders(ctx),
    supplierInvoices: new SupplierInvoices(ctx),
    journalEntries: new JournalEntries(ctx),
    accountBalances: new AccountBalances(ctx),
    deliveries: new Deliveries(ctx),
    sites: new Sites(ctx),
  };

  let closed = false;
  return {
    folder: options.folder,
    baseUrl: options.baseUrl,
    ...resources,
    page(resource, pageOptions = {}) {
      if (!RESOURCE_NAMES.includes(resource))
        throw new X3InvalidInputError(`Unknown resource "${String(resource)}".`);
      const { filters, count, ...rest } = pageOptions;
      const target = resources[resource] as unknown as {
        page(o: object): Promise<Page<ModelOf<typeof resource>>>;
      };
      return target.page({
        ...(filters ?? {}),
        ...rest,
        ...(count === undefined ? {} : { pageSize: count }),
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await transport.close();
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}
