/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees the schema as it was then, not today's Database type */
import { sql, type Kysely } from 'kysely';

/**
 * State that several x3bridge processes share about each connection's X3: its current token
 * (sealed) and its call slots. Unlogged: both are worth nothing after a database crash (a token
 * is minted again, a slot's holder is gone), and writes skip the WAL, which keeps a slot's take
 * and release cheap on the path of every X3 call.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create unlogged table x3_shared_tokens (
      connection_id text primary key references connections(id) on delete cascade,
      credentials_tag text not null,
      token_sealed text not null,
      expires_at bigint not null,
      refresh_at bigint not null,
      minted_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create unlogged table x3_call_slots (
      connection_id text not null references connections(id) on delete cascade,
      slot integer not null,
      holder text,
      process_id text,
      lease_until timestamptz not null default '-infinity',
      primary key (connection_id, slot)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('x3_call_slots').ifExists().execute();
  await db.schema.dropTable('x3_shared_tokens').ifExists().execute();
}
