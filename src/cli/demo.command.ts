import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createApp, type App } from '../app.js';
import { loadConfig } from '../config.js';
import { DEMO_ENVIRONMENT, demoConfigOverrides } from '../connections/demo.js';
import { connectionServiceDeps } from '../connections/connection.routes.js';
import { createConnection } from '../connections/connection.service.js';
import { ensureEnvironment } from '../environments/environment.service.js';
import {
  putCustomerMappings,
  putProductMappings,
  suggestCustomers,
  suggestProducts,
} from '../mappings/mapping.service.js';
import { orderServices } from '../orders/order.deps.js';
import { acceptQuote, type OrderConnectionSource } from '../orders/order.service.js';
import type { OrdersX3 } from '../orders/order.x3.js';
import { createSimulator, DEMO_CREDENTIALS, type Simulator } from '../simulator/index.js';
import { CliError } from './shared.js';
import { out, type CliIo } from './migrate.command.js';

/** The platform's side of the story: its own product codes and customer accounts. */
const PLATFORM_PRODUCTS = [
  { productCode: 'BOX-S-200', name: 'Shipping box small 200mm' },
  { productCode: 'box_m_400', name: 'Medium shipping box 400' },
  { productCode: 'TAPE48BRN', name: 'Brown packing tape 48mm' },
];
const PLATFORM_CUSTOMER = { customerAccount: 'ACC-1001', name: 'Brick Lane Bakery Ltd' };

type X3Record = Record<string, unknown>;

async function count(it: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of it) n++;
  return n;
}

/**
 * `x3bridge demo`: the whole Aldgate flow once, on a throwaway embedded store — simulator,
 * wizard, reads, mapping by suggestion, a quote accepted into an X3 order — each step timed.
 * Throws a CliError naming the step that failed; everything it started is stopped and the
 * temporary data folder removed either way.
 */
export async function runDemo(io: CliIo = {}): Promise<{ orderNumber: string }> {
  const print = out(io);
  const dataDir = mkdtempSync(join(tmpdir(), 'x3bridge-demo-'));
  let simulator: Simulator | null = null;
  let app: App | null = null;
  let current = 'starting';
  const step = async <T>(title: string, fn: () => Promise<T>, detail?: (r: T) => string[]): Promise<T> => {
    current = title;
    const t = performance.now();
    const result = await fn();
    print(`✓ ${title} (${Math.round(performance.now() - t)} ms)`);
    for (const line of detail?.(result) ?? []) print(`    ${line}`);
    return result;
  };
  try {
    const sim = await step(
      'X3 simulator started',
      () => createSimulator({ port: 0, quiet: true }),
      (s) => [`${s.url}, folders ${s.folders.join(', ')}`],
    );
    simulator = sim;
    const started = await step(
      'Embedded store opened',
      () => {
        const base = loadConfig(io.env, { port: 0 });
        // The master key file and the database live in the throwaway folder; logs stay quiet.
        const config = loadConfig(io.env, {
          port: 0,
          dataDir,
          demo: true,
          masterKeys: null,
          databaseUrl: null,
          logLevel: 'silent',
          ...demoConfigOverrides(base),
        });
        return createApp(config, { jobs: false });
      },
      () => [`temporary data folder ${dataDir} (removed at the end)`],
    );
    app = started;
    const deps = app.deps;
    const { environment } = await ensureEnvironment(deps.store.db, DEMO_ENVIRONMENT, 'demo');
    const who = { environmentId: environment.id, actor: 'demo' };

    const { connection } = await step(
      'Aldgate connected through the wizard',
      () =>
        createConnection(connectionServiceDeps(deps), who, {
          name: 'Aldgate Packaging Solutions (demo)',
          baseUrl: sim.url,
          folder: 'ALDGATE',
          auth: { type: 'client_credentials', ...DEMO_CREDENTIALS.oauth2 },
        }),
      (r) => [
        ...r.checks.map(
          (c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.step} ${c.ms} ms${c.message ? ` — ${c.message}` : ''}`,
        ),
        `connection ${r.connection.id}, status ${r.connection.status}`,
      ],
    );
    const source = deps.connections as unknown as OrderConnectionSource;
    const x3: OrdersX3 = (await source.get(environment.id, connection.id)).client;

    await step(
      'Items and customers read from X3',
      async () => ({ items: await count(x3.items.list({})), customers: await count(x3.customers.list({})) }),
      (r) => [`${r.items} items (ITMMASTER), ${r.customers} customers (BPCUSTOMER)`],
    );

    const mapped = await step(
      'Codes mapped by suggestion',
      async () => {
        const products = await suggestProducts(x3, PLATFORM_PRODUCTS, 1);
        const [customer] = await suggestCustomers(x3, [PLATFORM_CUSTOMER], 1);
        const productRows = products.map((p) => {
          const best = p.suggestions[0];
          if (!best) throw new Error(`no X3 item looks like product ${p.productCode}`);
          return {
            productCode: p.productCode,
            itemRef: best.itemRef,
            score: best.score,
            reason: best.reason,
          };
        });
        const bestCustomer = customer?.suggestions[0];
        if (!bestCustomer)
          throw new Error(`no X3 customer looks like account ${PLATFORM_CUSTOMER.customerAccount}`);
        await putProductMappings(
          deps.store.db,
          x3,
          connection.id,
          productRows.map(({ productCode, itemRef }) => ({ productCode, itemRef })),
          'replace',
        );
        await putCustomerMappings(
          deps.store.db,
          x3,
          connection.id,
          [{ customerAccount: PLATFORM_CUSTOMER.customerAccount, customerCode: bestCustomer.customerCode }],
          'replace',
        );
        return { productRows, customer: { ...bestCustomer, account: PLATFORM_CUSTOMER.customerAccount } };
      },
      (r) => [
        ...r.productRows.map(
          (p) => `${p.productCode} → ${p.itemRef} (${p.reason}, score ${p.score.toFixed(2)})`,
        ),
        `${r.customer.account} → ${r.customer.customerCode} ${r.customer.name ?? ''} (${r.customer.reason}, score ${r.customer.score.toFixed(2)})`,
      ],
    );

    const quoteId = `Q-DEMO-${Date.now().toString(36).toUpperCase()}`;
    const accepted = await step(
      `Quote ${quoteId} accepted`,
      () =>
        acceptQuote(orderServices(deps).orders, {
          environmentId: environment.id,
          connectionId: connection.id,
          quoteId,
          body: {
            customerAccount: PLATFORM_CUSTOMER.customerAccount,
            requestedDeliveryDate: new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10),
            reference: 'Q-2026-0042',
            lines: [
              { productCode: mapped.productRows[0]!.productCode, quantity: 500, unitPrice: 0.42 },
              { productCode: mapped.productRows[2]!.productCode, quantity: 12 },
            ],
          },
        }),
      (r) => [`status ${r.body.status}, X3 order number ${r.body.orderNumber ?? '(none yet)'}`],
    );
    const orderNumber = accepted.body.orderNumber;
    if (!orderNumber) throw new Error(`X3 has not confirmed the order yet (status ${accepted.body.status})`);

    await step(
      `Order ${orderNumber} as X3 has it`,
      async () => {
        const res = await fetch(`${sim.url}/__sim/folders/ALDGATE/SORDER`);
        const orders = (await res.json()) as X3Record[];
        const order = orders.find((o) => o.SOHNUM === orderNumber);
        if (!order) throw new Error(`X3 has no order ${orderNumber}`);
        return order;
      },
      (o) => [
        `customer ${String(o.BPCORD)}, site ${String(o.SALFCY)}, reference ${String(o.CUSORDREF)}, ` +
          `delivery ${String(o.DEMDLVDAT)}, ${String(o.CUR)} ${String(o.ORDNOT)} excl. tax, ${String(o.ORDATI)} incl. tax`,
        ...((o.SOHSOP as X3Record[] | undefined) ?? []).map(
          (l) =>
            `line ${String(l.SOPLIN)}: ${String(l.ITMREF)} × ${String(l.QTY)} ${String(l.SAU)} at ${String(l.NETPRI)} = ${String(l.LINAMT)}`,
        ),
      ],
    );
    print('Demo finished: one quote, one X3 order.');
    return { orderNumber };
  } catch (err) {
    // One line, whatever the cause wrote (a configuration error lists each variable on its own line).
    const reason = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
    throw new CliError(`demo failed at "${current}": ${reason}`, 1, err);
  } finally {
    await app?.stop().catch(() => undefined);
    await simulator?.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function registerDemoCommand(program: Command, io: CliIo = {}): void {
  program
    .command('demo')
    .description(
      'Run the whole Aldgate flow once on a temporary embedded store: simulator, wizard, reads, mapping, a quote accepted into an X3 order',
    )
    .action(async () => {
      await runDemo(io);
    });
}
