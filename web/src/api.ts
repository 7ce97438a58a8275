// A small typed client for the public /v1 API. The admin UI holds no other privilege than the
// API key the person typed (or the demo key), so everything it shows is what the API exposes.

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

// ---- connections -------------------------------------------------------------------------

export type AuthType = 'client_credentials' | 'connected_app' | 'basic';

export type ConnectionAuthInput =
  | {
      type: 'client_credentials';
      clientId: string;
      clientSecret: string;
      tokenUrl?: string;
      scope?: string;
      tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
    }
  | {
      type: 'connected_app';
      clientId: string;
      secret: string;
      user: string;
      audience?: string;
      lifetimeSeconds?: number;
    }
  | { type: 'basic'; user: string; password: string };

export interface ConnectionInput {
  name: string;
  externalId?: string;
  baseUrl: string;
  folder: string;
  auth: ConnectionAuthInput;
  /** Sent only when the person pasted a CA certificate. */
  settings?: { tls?: { ca: string } };
}

export type ConnectionStatus =
  'active' | 'auth_failed' | 'unreachable' | 'folder_not_found' | 'permission_denied' | (string & {});

export interface ConnectionLastError {
  code: string;
  message: string;
  step?: CheckStepName | null;
  /** What the person can do about it, in plain words. */
  fix?: string | null;
}

export interface Connection {
  id: string;
  name: string;
  externalId?: string | null;
  baseUrl: string;
  folder: string;
  status: ConnectionStatus;
  /** The client id (or user) masked, e.g. `aldg…tion`. */
  auth?: { type: AuthType; clientIdHint?: string | null } | null;
  lastCheckedAt?: string | null;
  lastError?: ConnectionLastError | null;
  settings?: ConnectionSettingsView | null;
  createdAt?: string | null;
  updatedAt?: string | null;
}

/** What PATCH /v1/connections/{id} takes: only the fields being changed. */
export interface ConnectionPatch {
  name?: string;
  /** null clears it. */
  externalId?: string | null;
  baseUrl?: string;
  folder?: string;
  auth?: ConnectionAuthInput;
  /** A new CA certificate is checked against X3 before it is saved; `tls: null` removes it. */
  settings?: { tls?: { ca: string } | null };
}

export interface ConnectionSettingsView {
  timeoutMs?: number;
  concurrency?: number;
  tokenUrl?: string;
  scope?: string;
  tokenEndpointAuthMethod?: string;
  audience?: string;
  lifetimeSeconds?: number;
  /** The trusted CA certificates, summarised (the PEM itself is not sent back). */
  tls?: { certificates: Array<{ subject: string; sha256: string; notAfter: string }> };
}

export type CheckStepName = 'token' | 'test_read' | (string & {});

export interface CheckStep {
  step: CheckStepName;
  ok: boolean;
  ms?: number | null;
  message?: string | null;
  code?: string | null;
}

export interface CheckResult {
  id?: string | null;
  status?: ConnectionStatus;
  checks: CheckStep[];
}

// ---- mappings and quotes -----------------------------------------------------------------

export type MappingKind = 'products' | 'customers';

export interface ProductMapping {
  productCode: string;
  itemRef: string;
}
export interface CustomerMapping {
  customerAccount: string;
  customerCode: string;
}

/** A mapping in kind-neutral form: the platform's code and the X3 code it maps to. */
export interface MappingPair {
  source: string;
  target: string;
}

export interface Suggestion {
  target: string;
  label: string | null;
  score: number;
}

export interface SuggestionSet {
  source: string;
  suggestions: Suggestion[];
}

export type QuoteStatus = 'pending' | 'sending' | 'created' | 'failed' | (string & {});

export interface QuoteError {
  code: string;
  message: string;
  details?: unknown;
}

export interface QuoteAttempt {
  number: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: string;
  /** The attempt looked the order up in X3 (after an uncertain outcome) instead of creating it. */
  lookup: boolean;
  orderNumber: string | null;
  error: QuoteError | null;
}

export interface Quote {
  quoteId: string;
  status: QuoteStatus;
  orderNumber: string | null;
  attemptCount: number;
  lastError: QuoteError | null;
  reference?: string | null;
  customerAccount?: string | null;
  customerCode?: string | null;
  requestedDeliveryDate?: string | null;
  lines?: { productCode: string; itemRef: string; quantity: number; unitPrice: string | null }[];
  nextAttemptAt?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
}

export interface QuoteDetail extends Quote {
  attempts?: QuoteAttempt[];
}

// ---- webhooks ----------------------------------------------------------------------------

export const webhookEventTypes = ['order.created', 'order.failed', 'connection.status_changed'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  createdAt: string;
}

/** Only the create answer carries the signing secret. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface WebhookInput {
  url: string;
  events: WebhookEventType[];
  description?: string;
}

export type DeliveryState = 'pending' | 'sending' | 'delivered' | 'dead';

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: WebhookEventType;
  state: DeliveryState;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

// ---- X3 models (docs/x3-objects.md) -------------------------------------------------------

export interface Address {
  code: string | null;
  lines?: (string | null)[];
  postalCode?: string | null;
  city?: string | null;
  region?: string | null;
  country?: string | null;
  phone?: string | null;
  email?: string | null;
  isDefault?: boolean;
}

export interface Customer {
  code: string;
  name: string | null;
  shortName?: string | null;
  category?: string | null;
  active?: boolean;
  currency?: string | null;
  paymentTerms?: string | null;
  taxRule?: string | null;
  country?: string | null;
  billToCustomer?: string | null;
  billingAddress?: Address | null;
  addresses?: Address[];
  updatedAt?: string | null;
}

export interface StockBySite {
  site: string;
  physical: number;
  inspection: number;
  rejected: number;
  allocated: number;
  available: number;
  onOrder: number;
  averageCost: string | null;
}

export interface Item {
  ref: string;
  description: string | null;
  category?: string | null;
  status?: number;
  active?: boolean;
  sellable?: boolean;
  units?: { stock: string | null; sales: string | null; purchase: string | null };
  basePrice?: string | null;
  ean?: string | null;
  stock?: StockBySite[];
  updatedAt?: string | null;
}

export interface SalesOrderLine {
  lineNumber: number;
  itemRef: string;
  description: string | null;
  quantity: number;
  salesUnit: string | null;
  grossPrice: string | null;
  netPrice: string | null;
  amount: string | null;
  discountPercent?: number | string | null;
  requestedDeliveryDate?: string | null;
  deliveredQuantity?: number;
  quantityOnDeliveryNote?: number;
  allocatedQuantity?: number;
  quantityToDeliver?: number;
}

export interface SalesOrder {
  number: string;
  type?: string | null;
  salesSite: string | null;
  shippingSite?: string | null;
  customerCode: string | null;
  customerName?: string | null;
  customerOrderReference?: string | null;
  orderDate: string | null;
  requestedDeliveryDate?: string | null;
  currency: string | null;
  status?: string | null;
  deliveryStatus?: string | null;
  invoiceStatus?: string | null;
  totalExcludingTax?: string | null;
  totalIncludingTax?: string | null;
  lines?: SalesOrderLine[];
}

export interface Delivery {
  number: string;
  salesSite?: string | null;
  shippingSite?: string | null;
  customerCode?: string | null;
  deliveryDate: string | null;
  shipDate?: string | null;
  salesOrderNumber?: string | null;
  validated?: boolean;
  invoiced?: boolean;
  lines?: {
    lineNumber: number;
    itemRef: string;
    description?: string | null;
    quantity: number;
    salesUnit?: string | null;
    salesOrderLine?: number | null;
  }[];
}

/** Records of the browser: shown generically, so the fields stay open. */
export type X3Record = Record<string, unknown>;

// ---- the client ---------------------------------------------------------------------------

export type Query = Record<string, string | number | boolean | null | undefined>;

function queryString(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

export interface ApiClientOptions {
  apiKey: string;
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Called when the API says the key is not (or no longer) valid. */
  onUnauthorized?: () => void;
}

export function createApiClient(opts: ApiClientOptions) {
  const base = opts.baseUrl ?? '';
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);

  async function call<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${opts.apiKey}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(`${base}${path}${queryString(query)}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiError(0, 'network_error', 'The x3bridge server could not be reached.', {
        cause: String(err),
      });
    }
    const text = await res.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!res.ok) {
      const e = (parsed as Partial<ApiErrorBody> | null)?.error;
      if (res.status === 401) opts.onUnauthorized?.();
      throw new ApiError(
        res.status,
        e?.code ?? 'server_error',
        e?.message ?? `The server answered ${res.status} ${res.statusText}.`,
        e?.details,
      );
    }
    return parsed as T;
  }

  const conn = (id: string) => `/v1/connections/${enc(id)}`;

  return {
    call,

    // connections
    listConnections: (query?: Query) => call<Page<Connection>>('GET', '/v1/connections', undefined, query),
    getConnection: (id: string) => call<Connection>('GET', conn(id)),
    checkConnectionInput: (input: ConnectionInput) =>
      call<CheckResult>('POST', '/v1/connections/check', input),
    createConnection: (input: ConnectionInput) =>
      call<CheckResult & { connection?: Connection }>('POST', '/v1/connections', input),
    recheckConnection: (id: string) => call<CheckResult>('POST', `${conn(id)}/check`),
    /** Changes only the fields given; new credentials, host or folder are checked against X3 first. */
    patchConnection: (id: string, patch: ConnectionPatch) =>
      call<Connection & { checks: CheckStep[] | null }>('PATCH', conn(id), patch),
    deleteConnection: (id: string) => call<unknown>('DELETE', conn(id)),

    // mappings
    async listMappings(
      id: string,
      kind: MappingKind,
      onProgress?: (loaded: number) => void,
    ): Promise<MappingPair[]> {
      const all: MappingPair[] = [];
      let cursor: string | null = null;
      // Mappings are few thousand at most: read every page so the screen can count unmapped codes.
      for (let i = 0; i < 1000; i++) {
        const raw: unknown = await call('GET', `${conn(id)}/mappings/${kind}`, undefined, {
          limit: 500,
          cursor,
        });
        const { rows, next } = unwrapList(raw);
        for (const r of rows) all.push(toPair(kind, r));
        cursor = next;
        if (cursor) onProgress?.(all.length);
        if (!cursor) break;
      }
      return all;
    },
    /**
     * `replace`: the body is the whole new set (rows not given are removed). `merge`: the rows
     * given are upserted and the others kept, so a few changes among thousands of rows send (and
     * have X3 check) only those few.
     */
    putMappings: (
      id: string,
      kind: MappingKind,
      pairs: MappingPair[],
      mode: 'replace' | 'merge' = 'replace',
    ) =>
      call<unknown>(
        'PUT',
        `${conn(id)}/mappings/${kind}`,
        pairs.map((p) => fromPair(kind, p)),
        mode === 'merge' ? { mode } : undefined,
      ),
    async suggestMappings(
      id: string,
      kind: MappingKind,
      sources: { code: string; name?: string | null }[],
    ): Promise<SuggestionSet[]> {
      const body =
        kind === 'products'
          ? { products: sources.map((s) => ({ productCode: s.code, name: s.name ?? undefined })) }
          : { customers: sources.map((s) => ({ customerAccount: s.code, name: s.name ?? undefined })) };
      const raw: unknown = await call('POST', `${conn(id)}/mappings/${kind}/suggest`, body);
      return unwrapList(raw).rows.map((r) => toSuggestionSet(kind, r));
    },

    // quotes
    listQuotes: (id: string, query?: Query) =>
      call<Page<Quote>>('GET', `${conn(id)}/quotes`, undefined, query),
    getQuote: (id: string, quoteId: string) => call<QuoteDetail>('GET', `${conn(id)}/quotes/${enc(quoteId)}`),

    // webhooks (environment-wide, not per connection)
    async listWebhooks(): Promise<Webhook[]> {
      const all: Webhook[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 100; i++) {
        const page: Page<Webhook> = await call('GET', '/v1/webhooks', undefined, { limit: 500, cursor });
        all.push(...page.data);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      return all;
    },
    createWebhook: (input: WebhookInput) => call<CreatedWebhook>('POST', '/v1/webhooks', input),
    deleteWebhook: (id: string) => call<unknown>('DELETE', `/v1/webhooks/${enc(id)}`),
    listDeliveries: (
      id: string,
      query: { limit?: number; cursor?: string | null; state?: DeliveryState | null } = {},
    ) => call<Page<WebhookDelivery>>('GET', `/v1/webhooks/${enc(id)}/deliveries`, undefined, query),
    redeliver: (id: string, deliveryId: string) =>
      call<WebhookDelivery>('POST', `/v1/webhooks/${enc(id)}/deliveries/${enc(deliveryId)}/redeliver`),

    // business documents
    listRecords: (id: string, resource: string, query?: Query) =>
      call<Page<X3Record>>('GET', `${conn(id)}/${resource}`, undefined, query),
    getRecord: (id: string, resource: string, key: string, query?: Query) =>
      call<X3Record>('GET', `${conn(id)}/${resource}/${key.split('/').map(enc).join('/')}`, undefined, query),
    getSalesOrder: (id: string, number: string) =>
      call<SalesOrder>('GET', `${conn(id)}/sales-orders/${enc(number)}`),
    listSalesOrderDeliveries: (id: string, salesOrder: string) =>
      call<Page<Delivery>>('GET', `${conn(id)}/deliveries`, undefined, { salesOrder }),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The demo server hands its API key to the UI; any other server answers 404. */
export async function fetchDemoKey(fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)) {
  try {
    const res = await fetchImpl('/demo-key', { headers: { accept: 'application/json' } });
    if (!res.ok) return null;
    const body = (await res.json()) as { apiKey?: unknown; key?: unknown };
    const key = body.apiKey ?? body.key;
    return typeof key === 'string' && key ? key : null;
  } catch {
    return null;
  }
}

// ---- tolerant readers for list answers -----------------------------------------------------

function unwrapList(raw: unknown): { rows: Record<string, unknown>[]; next: string | null } {
  if (Array.isArray(raw)) return { rows: raw as Record<string, unknown>[], next: null };
  const obj = (raw ?? {}) as Record<string, unknown>;
  const list = obj.data ?? obj.mappings ?? obj.suggestions ?? [];
  const next = typeof obj.nextCursor === 'string' && obj.nextCursor ? obj.nextCursor : null;
  return { rows: Array.isArray(list) ? (list as Record<string, unknown>[]) : [], next };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v == null ? '' : String(v);
}

function toPair(kind: MappingKind, r: Record<string, unknown>): MappingPair {
  return kind === 'products'
    ? { source: str(r.productCode), target: str(r.itemRef) }
    : { source: str(r.customerAccount), target: str(r.customerCode) };
}

function fromPair(kind: MappingKind, p: MappingPair): ProductMapping | CustomerMapping {
  return kind === 'products'
    ? { productCode: p.source, itemRef: p.target }
    : { customerAccount: p.source, customerCode: p.target };
}

function toSuggestionSet(kind: MappingKind, r: Record<string, unknown>): SuggestionSet {
  const source = str(kind === 'products' ? r.productCode : r.customerAccount);
  const rawList = Array.isArray(r.suggestions) ? (r.suggestions as Record<string, unknown>[]) : [r];
  const suggestions = rawList
    .map((s) => ({
      target: str(kind === 'products' ? s.itemRef : s.customerCode),
      label: s.description != null ? str(s.description) : s.name != null ? str(s.name) : null,
      score: normalizeScore(s.score),
    }))
    .filter((s) => s.target)
    .sort((a, b) => b.score - a.score);
  return { source, suggestions };
}

/** Scores are shown as 0–100; accept either 0–1 or 0–100 from the server. */
function normalizeScore(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return 0;
  return n <= 1 ? Math.round(n * 100) : Math.round(Math.min(100, n));
}
