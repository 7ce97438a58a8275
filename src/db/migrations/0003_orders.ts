/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees the schema as it was then, not today's Database type */
import { sql, type Kysely } from 'kysely';

/** Code mappings, quotes with their outbox and attempts, webhooks with their events and deliveries. */
export async function up(db: Kysely<any>): Promise<void> {
  const connectionFk = (c: any) => c.notNull().references('connections.id').onDelete('cascade');
  const now = (c: any) => c.notNull().defaultTo(sql`now()`);

  await db.schema
    .createTable('product_mappings')
    .addColumn('connection_id', 'text', connectionFk)
    .addColumn('product_code', 'text', (c) => c.notNull())
    .addColumn('item_ref', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('updated_at', 'timestamptz', now)
    .addPrimaryKeyConstraint('product_mappings_pkey', ['connection_id', 'product_code'])
    .execute();
  await db.schema
    .createTable('customer_mappings')
    .addColumn('connection_id', 'text', connectionFk)
    .addColumn('customer_account', 'text', (c) => c.notNull())
    .addColumn('customer_code', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('updated_at', 'timestamptz', now)
    .addPrimaryKeyConstraint('customer_mappings_pkey', ['connection_id', 'customer_account'])
    .execute();

  await db.schema
    .createTable('quotes')
    .addColumn('connection_id', 'text', connectionFk)
    .addColumn('quote_id', 'text', (c) => c.notNull())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('request', 'jsonb', (c) => c.notNull())
    .addColumn('draft', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('order_number', 'text')
    .addColumn('sends', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'jsonb')
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('updated_at', 'timestamptz', now)
    .addPrimaryKeyConstraint('quotes_pkey', ['connection_id', 'quote_id'])
    .execute();
  await db.schema
    .createIndex('quotes_connection_created_idx')
    .on('quotes')
    .columns(['connection_id', 'created_at', 'quote_id'])
    .execute();

  // The outbox row is written with the quote and drives every send; one row per quote, locked
  // (select … for update) while a worker takes its lease, so one quote is never sent twice at once.
  await db.schema
    .createTable('order_outbox')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('quote_id', 'text', (c) => c.notNull())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('lease_owner', 'text')
    .addColumn('created_at', 'timestamptz', now)
    .addColumn('updated_at', 'timestamptz', now)
    .addPrimaryKeyConstraint('order_outbox_pkey', ['connection_id', 'quote_id'])
    .addForeignKeyConstraint(
      'order_outbox_quote_fk',
      ['connection_id', 'quote_id'],
      'quotes',
      ['connection_id', 'quote_id'],
      (c) => c.onDelete('cascade'),
    )
    .execute();
  await sql`create index order_outbox_due_idx on order_outbox (next_attempt_at) where state in ('pending', 'sending')`.execute(
    db,
  );

  await db.schema
    .createTable('order_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('quote_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('lookup', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('started_at', 'timestamptz', now)
    .addColumn('finished_at', 'timestamptz')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('order_number', 'text')
    .addColumn('error', 'jsonb')
    .addForeignKeyConstraint(
      'order_attempts_quote_fk',
      ['connection_id', 'quote_id'],
      'quotes',
      ['connection_id', 'quote_id'],
      (c) => c.onDelete('cascade'),
    )
    .addUniqueConstraint('order_attempts_number_key', ['connection_id', 'quote_id', 'number'])
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'jsonb', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .execute();
  await db.schema
    .createIndex('webhooks_environment_idx')
    .on('webhooks')
    .columns(['environment_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('webhook_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', now)
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_events.id').onDelete('cascade'))
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', now)
    .execute();
  await sql`create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where state in ('pending', 'sending')`.execute(
    db,
  );
  await db.schema
    .createIndex('webhook_deliveries_webhook_idx')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'created_at', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'webhook_deliveries',
    'webhook_events',
    'webhooks',
    'order_attempts',
    'order_outbox',
    'quotes',
    'customer_mappings',
    'product_mappings',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
