import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';
import { newId } from './ids.js';
import { createTestDatabase, openTestStore, testBackends, testConfig } from './test-support/stores.js';
import { openStore, type Store } from './store.js';

describe.each(testBackends)('store on %s', (kind) => {
  let store: Store & { dispose(): Promise<void> };
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('creates the foundation tables and a second migration run finds nothing to do', async () => {
    expect(await migrateToLatest(store.db)).toEqual([]);
    const { rows } = await store.executeSql(
      `select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const names = rows.map((r: { table_name: string }) => r.table_name);
    expect(names).toEqual(
      expect.arrayContaining(['environments', 'api_keys', 'audit_events', 'idempotency_records']),
    );
  });

  it('reads back the same JavaScript types on both backends', async () => {
    const id = newId('env');
    expect(id).toMatch(/^env_[0-9A-Za-z]{20}$/);
    await store.db
      .insertInto('environments')
      .values({ id, name: `types-${id}` })
      .execute();
    await store.db
      .insertInto('audit_events')
      .values({
        id: newId('aud'),
        environment_id: id,
        actor: 'test',
        action: 'check',
        subject_type: 'environment',
        subject_id: id,
        data: JSON.stringify({ list: [1, 2], nested: { ok: true } }),
      })
      .execute();
    const row = await store.db
      .selectFrom('audit_events')
      .select(['data', 'created_at', sql<number>`count(*) over ()`.as('total')])
      .where('environment_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.data).toEqual({ list: [1, 2], nested: { ok: true } });
    expect(row.created_at).toBeInstanceOf(Date);
    expect(row.total).toBe(1);
    const updated = await store.db
      .updateTable('environments')
      .set({ name: `renamed-${id}` })
      .where('id', '=', id)
      .executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);
  });

  it('runs several statements in one executeSql and parameterised ones', async () => {
    await store.executeSql('create table multi_a (x int); create table multi_b (y int)');
    await store.executeSql('insert into multi_a (x) values ($1), ($2)', [1, 2]);
    const { rows } = await store.executeSql('select sum(x)::int as s from multi_a where x >= $1', [1]);
    expect(rows).toEqual([{ s: 3 }]);
  });

  it('keeps a committed insert when a concurrent transaction rolls back', async () => {
    const committedId = newId('env');
    const rolledBackId = newId('env');
    let signalInserted!: () => void;
    const firstInserted = new Promise<void>((r) => (signalInserted = r));
    const rollingBack = store.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('environments').values({ id: rolledBackId, name: rolledBackId }).execute();
        signalInserted();
        // Give the other transaction every chance to interleave before this one fails.
        for (let i = 0; i < 20; i++) await trx.selectFrom('environments').select('id').limit(1).execute();
        throw new Error('roll back on purpose');
      })
      .catch((err: Error) => err.message);
    await firstInserted;
    const committing = store.db.transaction().execute(async (trx) => {
      await trx.insertInto('environments').values({ id: committedId, name: committedId }).execute();
    });
    expect(await rollingBack).toBe('roll back on purpose');
    await committing;
    const ids = await store.db
      .selectFrom('environments')
      .select('id')
      .where('id', 'in', [committedId, rolledBackId])
      .execute();
    expect(ids.map((r) => r.id)).toEqual([committedId]);
  });
});

describe('migrations on a fresh Postgres database', () => {
  it('lets several processes start at once: one migrates, the others wait', async () => {
    const database = await createTestDatabase();
    const config = testConfig({ databaseUrl: database.url });
    const stores: Store[] = [];
    try {
      const opened = await Promise.allSettled([1, 2, 3].map(() => openStore(config)));
      for (const o of opened) if (o.status === 'fulfilled') stores.push(o.value);
      expect(opened.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      const { rows } = await stores[0]!.executeSql('select name from kysely_migration order by name');
      expect(rows.map((r: { name: string }) => r.name)).toEqual(Object.keys(migrations).sort());
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await database.drop();
    }
  });
});
